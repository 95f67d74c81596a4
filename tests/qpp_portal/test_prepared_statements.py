"""PostgreSQL connections prepare the queries they run often, unless a pooler forbids it."""

import json

import pytest
from django.db import connection

from roles.models import Membership
from tests.test_hardening import PRODUCTION_ENV, run_production

POSTGRESQL = {**PRODUCTION_ENV, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/portal"}
PRINT_OPTIONS = (
    "import json, qpp_portal.settings.production as p; "
    "print(json.dumps(p.DATABASES['default'].get('OPTIONS', {})))"
)


def database_options(**env):
    result = run_production(PRINT_OPTIONS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_postgresql_binds_parameters_on_the_server_and_prepares_a_query_run_five_times():
    options = database_options(**POSTGRESQL)
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5


def test_prepared_statements_can_be_turned_off_for_a_pooler_that_cannot_keep_them():
    options = database_options(**POSTGRESQL, DATABASE_PREPARED_STATEMENTS="false")
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options


def test_sqlite_has_no_postgresql_options():
    assert database_options(**PRODUCTION_ENV, DATABASE_URL="sqlite:////tmp/portal.sqlite3") == {}


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_a_query_run_often_on_a_kept_connection_is_prepared_by_postgresql():
    for _ in range(6):
        list(Membership.objects.filter(status=Membership.Status.ACTIVE, role="staff_user"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any('FROM "roles_membership"' in statement for statement in statements)
