"""Rate limits are counted in one cache shared by every worker, or production will not start."""

import os
import subprocess
import sys

from django.conf import settings
from django.test import override_settings

from qpp_portal.checks import check_shared_rate_limit_cache
from tests.accounts.test_access import PRODUCTION_READY

# Everything else production asks for (tests/accounts/test_access.py), but no REDIS_URL.
PRODUCTION_ENV = {k: v for k, v in PRODUCTION_READY.items() if k != "REDIS_URL"}


def import_production(**env):
    environment = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", *PRODUCTION_ENV}}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import qpp_portal.settings.production"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_refuse_to_start_without_a_shared_cache():
    result = import_production(**PRODUCTION_ENV)
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr


def test_production_settings_start_with_a_redis_url():
    result = import_production(**PRODUCTION_ENV, REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.returncode == 0, result.stderr


@override_settings(
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
)
def test_deploy_check_says_a_per_process_cache_multiplies_the_limits():
    [error] = check_shared_rate_limit_cache(None)
    assert error.id == "qpp_portal.E001"
    assert "per worker" in error.msg
    assert "REDIS_URL" in error.hint


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        }
    }
)
def test_deploy_check_accepts_a_shared_redis_cache():
    assert check_shared_rate_limit_cache(None) == []


def test_deploy_check_is_registered_for_check_deploy():
    from django.core.checks import registry

    assert check_shared_rate_limit_cache in registry.registry.get_checks(
        include_deployment_checks=True
    )
    assert check_shared_rate_limit_cache not in registry.registry.get_checks()
