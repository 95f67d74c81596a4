"""An index for listing search results by name on PostgreSQL.

Searches order by (UPPER(name) COLLATE "C", id) within one kind (see
organizations.selectors._name_key). This btree index on (kind, that, id) lets a search of a
common word read its first page in order instead of sorting every match, and serves a
name prefix (UPPER(name) COLLATE "C" LIKE 'AB%') as a range. Like 0002's, it is not in the
model's Meta (a collation inside an index expression is PostgreSQL's), so makemigrations
leaves it alone; SQLite needs none.
"""

from django.db import migrations

ORDER_INDEX = "organization_name_order"


def create_order_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'CREATE INDEX "{ORDER_INDEX}" ON "organizations_organization" '
        '("kind", UPPER("legal_business_name") COLLATE "C", "id")'
    )


def drop_order_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{ORDER_INDEX}"')


class Migration(migrations.Migration):
    dependencies = [("organizations", "0003_virtual_group_identifier_and_tins")]

    operations = [
        migrations.RunPython(create_order_index, drop_order_index, elidable=False),
    ]
