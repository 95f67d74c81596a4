"""Production settings for the benchmarks: plain HTTP on 127.0.0.1, a bare view beside the
portal's pages (bench_urls), a phone gateway that drops messages. Nothing else changes."""

from qpp_portal.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "qpp_portal.E002"]  # noqa: F405
STATIC_ROOT = "/tmp/qpp-bench-static"
