"""Read the members page from indexes a prepared query's plan can use.

The members index held the role's rank as an expression; in a prepared query the rank's
numbers are parameters, so PostgreSQL's plan for any organization could not use the index
and sorted every active member for each page. Membership.role_rank is now a column the
database keeps, and the index holds it. A second index reads the requests a Security
Official decides oldest first, so the page reads the oldest without sorting them all.
"""

import roles.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('organizations', '0004_postgresql_name_order_index'),
        ('roles', '0004_membership_member_sort_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='membership',
            name='roles_membership_member_order',
        ),
        migrations.AddField(
            model_name='membership',
            name='role_rank',
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(role='security_official', then=models.Value(0)), models.When(role='staff_user', then=models.Value(1)), models.When(role='clinician', then=models.Value(2)), output_field=models.PositiveSmallIntegerField()), output_field=models.PositiveSmallIntegerField()),
        ),
        migrations.AddIndex(
            model_name='membership',
            index=models.Index(models.F('organization'), models.F('status'), models.F('role_rank'), roles.models.ByteOrder(models.F('member_sort_name')), models.F('id'), name='roles_membership_member_order'),
        ),
        migrations.AddIndex(
            model_name='membership',
            index=models.Index(fields=['organization', 'status', 'awaiting', 'requested_at', 'id'], name='roles_membership_requests'),
        ),
    ]
