"""Put the sandbox back to its starting data: ``manage.py reset_sandbox`` and the console."""

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command

from qpp_portal import clock

from . import faults

# The starting data, in the order scripts/start loads it.
STARTING_DATA = [
    ("load_demo_data",),
    ("import_reference_data", "organizations/sample_data"),
    ("generate_feedback_data", "--seed", "1"),
    ("load_demo_roles",),
    ("load_personas",),
]


def reset_sandbox(*, stdout=None):
    """Empty every table, bring the schema up to date, reload the starting data, and put
    the clock and the faults back; refuse outside the sandbox."""
    if not settings.SANDBOX_ENABLED:
        raise RuntimeError("reset_sandbox exists only in the sandbox.")
    clock.reset()
    faults.clear()
    call_command("flush", interactive=False, verbosity=0)
    # Everything the shared cache holds was read from the rows just emptied (accounts,
    # roles, sessions, CMS's data) and names them by ids the reload gives out again.
    cache.clear()
    call_command("migrate", interactive=False, verbosity=0)
    for command in STARTING_DATA:
        call_command(*command, stdout=stdout)
