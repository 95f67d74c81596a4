"""PostgreSQL's plans of the portal's queries, as tests read them."""

import datetime
import enum
import re

import psycopg
from django.db import connection, transaction

# Checked in this order: a bool is an int too.
_TYPES = ((bool, "boolean"), (int, "bigint"), (str, "text"), (datetime.datetime, "timestamptz"))


def _type_of(value):
    return next(name for kind, name in _TYPES if isinstance(value, kind))


def plan_nodes(node, parent=None):
    """Yield every node of a JSON plan with its parent."""
    yield node, parent
    for child in node.get("Plans", []):
        yield from plan_nodes(child, node)


def explain_prepared(queryset, *, options="FORMAT JSON", planner=()):
    """Return the rows of PostgreSQL's EXPLAIN (``options``) of ``queryset`` prepared for any
    values, run for its own: the plan a kept connection may run it with from its sixth time
    (settings: DATABASE_PREPARED_STATEMENTS), made without knowing which organization or
    words it is for. ``planner``: (setting, value) pairs in force while it is planned."""
    sql, params = queryset.query.sql_with_params()
    params = [value.value if isinstance(value, enum.Enum) else value for value in params]
    numbers = iter(range(1, len(params) + 1))
    numbered = re.sub("%s", lambda _match: f"${next(numbers)}", sql)
    types = ", ".join(_type_of(value) for value in params)
    connection.ensure_connection()
    raw = connection.connection
    with transaction.atomic():
        for setting, value in (("plan_cache_mode", "force_generic_plan"), *planner):
            raw.execute(f"SET LOCAL {setting} = {value}")
        raw.execute(f"PREPARE explained_prepared ({types}) AS {numbered}")
        try:
            cursor = psycopg.ClientCursor(raw)
            placeholders = ", ".join(["%s"] * len(params))
            cursor.execute(
                f"EXPLAIN ({options}) EXECUTE explained_prepared ({placeholders})", params
            )
            return cursor.fetchall()
        finally:
            raw.execute("DEALLOCATE explained_prepared")


def prepared_plan(queryset):
    """Return the JSON plan of ``queryset`` prepared for any values (``explain_prepared``).

    Reading whole tables and sorting are priced out, so that the few rows a test has do
    not decide the plan: an index is taken wherever it can give the rows and their order."""
    rows = explain_prepared(queryset, planner=(("enable_seqscan", "off"), ("enable_sort", "off")))
    return rows[0][0][0]["Plan"]
