"""Indexes for searching organizations by name on PostgreSQL.

SQLite keeps the portable index of 0001 (UPPER(legal_business_name)). On PostgreSQL:
- that same index is rebuilt with text_pattern_ops, so UPPER(name) LIKE 'ABC%' (Django's
  istartswith) can use it whatever the database collation; it keeps its name, so later
  migrations that alter or drop it by name still work;
- pg_trgm and a GIN trigram index on UPPER(name) serve UPPER(name) LIKE '%ABC%' (Django's
  icontains) without reading the whole table.
Neither index is in the model's Meta (Meta cannot hold vendor-specific index classes), so
makemigrations leaves them alone.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

NAME_INDEX = "organization_name_upper"
TRIGRAM_INDEX = "organization_name_trgm"


# Raw SQL rather than Index(OpClass(...)): OpClass needs django.contrib.postgres in
# INSTALLED_APPS to render inside CREATE INDEX, and the statements are short.
CREATE_PATTERN_INDEX = (
    "CREATE INDEX {index} ON {table} (UPPER({column}) text_pattern_ops)"
)
CREATE_TRIGRAM_INDEX = (
    "CREATE INDEX {index} ON {table} USING gin (UPPER({column}) gin_trgm_ops)"
)
CREATE_PORTABLE_INDEX = "CREATE INDEX {index} ON {table} (UPPER({column}))"
DROP_INDEX = "DROP INDEX IF EXISTS {index}"


def _run(schema_editor, statement, index):
    quote = schema_editor.quote_name
    schema_editor.execute(
        statement.format(
            index=quote(index),
            table=quote("organizations_organization"),
            column=quote("legal_business_name"),
        )
    )


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _run(schema_editor, DROP_INDEX, NAME_INDEX)
    _run(schema_editor, CREATE_PATTERN_INDEX, NAME_INDEX)
    _run(schema_editor, CREATE_TRIGRAM_INDEX, TRIGRAM_INDEX)


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _run(schema_editor, DROP_INDEX, TRIGRAM_INDEX)
    _run(schema_editor, DROP_INDEX, NAME_INDEX)
    _run(schema_editor, CREATE_PORTABLE_INDEX, NAME_INDEX)


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]

    operations = [
        # A no-op on other databases.
        TrigramExtension(),
        migrations.RunPython(create_search_indexes, drop_search_indexes, elidable=False),
    ]
