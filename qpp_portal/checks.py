"""System checks of the portal's own settings."""

from django.conf import settings
from django.core.checks import Error, Tags, register

# Cache backends each process keeps to itself (or that keep nothing): a counter in them
# is counted per worker, so N workers allow N times every limit.
UNSHARED_CACHE_BACKENDS = {
    "django.core.cache.backends.locmem.LocMemCache": "keeps its counts in each process",
    "django.core.cache.backends.dummy.DummyCache": "keeps no counts at all",
    "django.core.cache.backends.filebased.FileBasedCache": "cannot count atomically",
}


@register(Tags.caches, Tags.security, deploy=True)
def check_shared_rate_limit_cache(app_configs, **kwargs):
    """Refuse to deploy with rate limits counted in a cache that workers do not share."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    reason = UNSHARED_CACHE_BACKENDS.get(backend)
    if reason is None:
        return []
    return [
        Error(
            f"The default cache ({backend}) {reason}, so settings.RATE_LIMITS and the "
            "sign-in throttles are counted per worker: two workers allow twice every limit.",
            hint="Set REDIS_URL to a Redis server that every worker shares.",
            id="qpp_portal.E001",
        )
    ]
