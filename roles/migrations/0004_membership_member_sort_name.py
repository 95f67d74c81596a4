"""Order the members page from an index.

Adds Membership.member_sort_name, fills it for the memberships there are, then indexes
(organization, status, roles.models.member_order()) so that a page of an organization's
active members is read in order instead of sorting them all.
"""

from django.conf import settings
from django.db import migrations, models

import roles.models

BATCH = 1000


def fill_member_sort_names(apps, schema_editor):
    """Give every membership its member's sort name, a batch at a time in id order.

    It uses the application's own member_sort_name_for: the rows must hold exactly what new
    ones get, and a later change of the key needs a migration of its own anyway."""
    Membership = apps.get_model("roles", "Membership")
    memberships = (
        Membership.objects.select_related("user")
        .only("user__first_name", "user__last_name")
        .order_by("pk")
    )
    last_pk = 0
    while batch := list(memberships.filter(pk__gt=last_pk)[:BATCH]):
        for membership in batch:
            membership.member_sort_name = roles.models.member_sort_name_for(membership.user)
        Membership.objects.bulk_update(batch, ["member_sort_name"])
        last_pk = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0004_postgresql_name_order_index"),
        ("roles", "0003_accessreview_accessreviewitem_and_more"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="member_sort_name",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill_member_sort_names, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(
                models.F("organization"),
                models.F("status"),
                models.Case(
                    models.When(role="security_official", then=models.Value(0)),
                    models.When(role="staff_user", then=models.Value(1)),
                    models.When(role="clinician", then=models.Value(2)),
                ),
                roles.models.ByteOrder(models.F("member_sort_name")),
                models.F("id"),
                include=("role", "member_sort_name"),
                name="roles_membership_member_order",
            ),
        ),
    ]
