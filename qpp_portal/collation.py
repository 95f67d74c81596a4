"""Text in byte order on every database, for the orders an index serves (the members page,
name searches)."""

from django.db.models import Func


class ByteOrder(Func):
    """Compare text in byte (code point) order on every database.

    PostgreSQL's collation would otherwise follow the database's locale, which ignores
    spaces, punctuation and case; its "C" collation is byte order. SQLite has no "C"
    collation and compares text by bytes already. (Not Django's Collate: an index takes a
    Collate only as itself, with no way to leave it out on SQLite.)"""

    template = '%(expressions)s COLLATE "C"'

    def as_sqlite(self, compiler, connection, **extra_context):
        return compiler.compile(self.get_source_expressions()[0])
