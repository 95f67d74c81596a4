"""Search names by a column the database keeps upper-cased.

Organization.search_name is UPPER(legal_business_name), stored. Searches compare, order
and check their matches on it instead of upper-casing each name they read, which at a
million practices was most of a search's time. The order index (kind, search_name in byte
order, id) replaces 0004's on the expression; on PostgreSQL the trigram index moves to the
column, and 0002's pattern index on UPPER(name) goes (the order index serves prefixes).
"""

import django.db.models.functions.text
from django.db import migrations, models

import qpp_portal.collation

OLD_TRIGRAM_INDEX = "organization_name_trgm"
OLD_ORDER_INDEX = "organization_name_order"
TRIGRAM_INDEX = "organization_search_trgm"


def move_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{OLD_TRIGRAM_INDEX}"')
    schema_editor.execute(f'DROP INDEX IF EXISTS "{OLD_ORDER_INDEX}"')
    schema_editor.execute(
        f'CREATE INDEX "{TRIGRAM_INDEX}" ON "organizations_organization" '
        'USING gin ("search_name" gin_trgm_ops)'
    )


def move_trigram_index_back(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{TRIGRAM_INDEX}"')
    schema_editor.execute(
        f'CREATE INDEX "{OLD_TRIGRAM_INDEX}" ON "organizations_organization" '
        'USING gin (UPPER("legal_business_name") gin_trgm_ops)'
    )
    schema_editor.execute(
        f'CREATE INDEX "{OLD_ORDER_INDEX}" ON "organizations_organization" '
        '("kind", UPPER("legal_business_name") COLLATE "C", "id")'
    )


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0004_postgresql_name_order_index"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="organization",
            name="organization_name_upper",
        ),
        migrations.AddField(
            model_name="organization",
            name="search_name",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Upper("legal_business_name"),
                output_field=models.TextField(),
            ),
        ),
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(
                models.F("kind"),
                qpp_portal.collation.ByteOrder(models.F("search_name")),
                models.F("id"),
                name="organization_search_order",
            ),
        ),
        migrations.RunPython(move_trigram_index, move_trigram_index_back, elidable=False),
    ]
