"""Production: refuses to start without a real secret key and a real phone gateway."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEVELOPMENT_SECRET_KEY, MIDDLEWARE, SALT_KEY, SECRET_KEY
from .env import env_bool, env_int, env_str

if not SECRET_KEY or SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a random value of at least 50 characters for production."
    )
if SALT_KEY == ["qpp-portal-development-salt"]:
    raise ImproperlyConfigured("Set FIELD_ENCRYPTION_SALTS for production.")
PHONE_GATEWAY = env_str("PHONE_GATEWAY")
if not PHONE_GATEWAY:
    raise ImproperlyConfigured(
        "Set PHONE_GATEWAY to the dotted path of a gateway that really sends texts and calls."
    )

DEBUG = False
SANDBOX_ENABLED = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# WhiteNoise serves the collected static files right after the security middleware.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
