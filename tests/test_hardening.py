"""Portal-wide hardening (OWASP ASVS 4.0.3 L2): NUL bytes, rate-limit answers, the admin's
way in, device admins, production settings and cookies."""

import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from qpp_portal.deployment import (
    check_production_phone_gateway,
    phone_gateway_problem,
    secret_key_problem,
)
from tests.factories import DEFAULT_PASSWORD, TOTPDeviceFactory, UserFactory

pytestmark = pytest.mark.django_db


# A NUL byte in any URL path: 404, never a server error


def url_routes(resolver=None, prefix=""):
    """Yield every route of the URLconf with each path parameter replaced by ``%00``."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = re.sub(r"<[^>]+>", "%00", str(entry.pattern).lstrip("^").rstrip("$"))
        if isinstance(entry, URLResolver):
            yield from url_routes(entry, prefix + route)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + route


ROUTES = sorted(set(url_routes()))


def nul_urls():
    for route in ROUTES:
        if "%00" in route:
            yield route
        else:
            yield route.rstrip("/") + "/%00/"


@pytest.fixture
def superuser_client(client, sign_in):
    user = UserFactory(username="operator01", is_staff=True, is_superuser=True)
    user.user_permissions.add(Permission.objects.get(codename="help_desk"))
    return sign_in(client, user)


def test_the_url_walk_covers_the_feedback_clinician_page():
    assert "/feedback/%00/clinicians/%00/" in ROUTES


@pytest.mark.parametrize("url", sorted(set(nul_urls())))
def test_nul_byte_in_any_url_path_is_404_not_500(superuser_client, url):
    response = superuser_client.get(url)
    assert response.status_code in {400, 404}, f"{url} answered {response.status_code}"


def test_nul_byte_in_a_path_is_404_for_anonymous_visitors_too(client):
    assert client.get("/feedback/1/clinicians/%00/").status_code == 404


# Rate limits answer 429 with the portal's page


def test_rate_limited_page_answers_429_with_the_portal_page(client):
    url = reverse("accounts:forgot_password")
    for _ in range(10):
        client.post(url, {"username": "someone"})
    response = client.post(url, {"username": "someone"})
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert "Your role does not allow this" not in response.content.decode()


# The admin: entered through the portal's sign-in and second factor


def test_admin_login_redirects_to_the_portal_sign_in_with_next(client):
    response = client.get(reverse("admin:login"), {"next": "/admin/"})
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:sign_in')}?next=%2Fadmin%2F"


def test_admin_login_does_not_sign_anyone_in(client):
    UserFactory(username="operator01", is_staff=True, is_superuser=True)
    client.post(
        reverse("admin:login"),
        {"username": "operator01", "password": DEFAULT_PASSWORD, "next": "/admin/"},
    )
    assert "_auth_user_id" not in client.session


def test_admin_pages_need_a_verified_second_factor(client):
    operator = UserFactory(username="operator01", is_staff=True, is_superuser=True)
    TOTPDeviceFactory(user=operator)
    client.force_login(operator, backend="accounts.backends.AccountBackend")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:verify_code"))


def test_admin_site_refuses_a_session_without_a_verified_factor_itself(rf):
    operator = UserFactory(username="operator01", is_staff=True, is_superuser=True)
    request = rf.get("/admin/")
    request.user = operator
    operator.is_verified = lambda: False
    assert admin.site.has_permission(request) is False


def test_admin_pages_open_for_staff_with_a_verified_second_factor(superuser_client):
    assert superuser_client.get(reverse("admin:index")).status_code == 200


def test_a_signed_in_person_without_staff_rights_is_refused_not_looped(signed_in_client):
    assert signed_in_client.get(reverse("admin:login")).status_code == 403


# Two-factor device admins: read-only, secrets hidden


def test_device_admins_are_read_only_and_never_show_totp_secrets(superuser_client):
    owner = UserFactory()
    device = TOTPDeviceFactory(user=owner)
    url = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    page = superuser_client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert device.key not in content
    assert 'name="key"' not in content
    superuser_client.post(url, {"user": owner.pk, "name": "changed", "key": "00" * 20})
    device.refresh_from_db()
    assert device.name != "changed"
    listing = superuser_client.get(reverse("admin:otp_totp_totpdevice_changelist"))
    assert device.key not in listing.content.decode()


@pytest.mark.parametrize("model", [TOTPDevice, EmailDevice])
def test_device_admins_allow_no_add_change_or_delete(model, rf):
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert "key" not in model_admin.get_fields(request)
    assert "token" not in model_admin.get_fields(request)


def test_totp_qr_code_admin_page_is_gone(superuser_client):
    device = TOTPDeviceFactory(user=UserFactory())
    assert superuser_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code in {
        302,
        404,
    }


# Production refuses console gateways and guessable keys; its cookies are __Host-

RANDOM_KEY = "Qrf@1UJzBUC!BoP!T1x#dm-H(50XSEPcj%VfQBLKCLo!yBJbw2#a9g+c+u@W"
PRODUCTION_ENV = {
    "SECRET_KEY": RANDOM_KEY,
    "FIELD_ENCRYPTION_SALTS": "a-real-salt",
    "PHONE_GATEWAY": "carrier.gateways.CarrierGateway",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}
PRINT_COOKIES = (
    "import json, qpp_portal.settings.production as p; print(json.dumps({n: getattr(p, n) "
    "for n in ['SESSION_COOKIE_NAME', 'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_DOMAIN', "
    "'SESSION_COOKIE_PATH', 'CSRF_COOKIE_NAME', 'CSRF_COOKIE_SECURE', 'CSRF_COOKIE_DOMAIN', "
    "'CSRF_COOKIE_PATH']}))"
)


def run_production(code="import qpp_portal.settings.production", **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {*PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(env)
    return subprocess.run(  # noqa: S603 - the test's own interpreter, fixed arguments
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "gateway",
    [
        "accounts.gateways.console.ConsoleGateway",
        "accounts.gateways.locmem.LocmemGateway",
        "sandbox.gateway.SandboxGateway",
    ],
)
def test_production_refuses_a_phone_gateway_that_only_writes_codes_to_a_log(gateway):
    result = run_production(**{**PRODUCTION_ENV, "PHONE_GATEWAY": gateway})
    assert result.returncode != 0
    assert "PHONE_GATEWAY" in result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "a" * 60,
        "ab" * 30,
        "k" * 30 + "Q7r!x2" * 5,
        "django-insecure-" + RANDOM_KEY,
    ],
)
def test_production_refuses_a_low_entropy_secret_key(key):
    result = run_production(**{**PRODUCTION_ENV, "SECRET_KEY": key})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_starts_with_a_random_key_and_a_real_gateway():
    result = run_production(**PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr


def test_production_cookies_carry_the_host_prefix_secure_path_root_and_no_domain():
    result = run_production(PRINT_COOKIES, **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_DOMAIN": None,
        "SESSION_COOKIE_PATH": "/",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_DOMAIN": None,
        "CSRF_COOKIE_PATH": "/",
    }


def test_django_generated_and_hex_secret_keys_are_accepted():
    from django.core.management.utils import get_random_secret_key

    assert secret_key_problem(get_random_secret_key()) == ""
    assert secret_key_problem("0123456789abcdef" * 4) == ""  # like openssl rand -hex 32


def test_phone_gateway_problem_names_the_console_gateway():
    assert "ConsoleGateway" in phone_gateway_problem("accounts.gateways.console.ConsoleGateway")


@override_settings(SANDBOX_ENABLED=False, PHONE_GATEWAY="accounts.gateways.console.ConsoleGateway")
def test_system_check_refuses_the_console_gateway_outside_the_sandbox():
    assert [error.id for error in check_production_phone_gateway(None)] == ["qpp_portal.E101"]


def test_system_check_allows_the_locmem_gateway_in_the_sandbox():
    assert check_production_phone_gateway(None) == []
