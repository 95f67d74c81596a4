import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.core.mail import send_mail
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.checks import check_phone_gateway
from accounts.gateways import get_phone_gateway

pytestmark = pytest.mark.django_db

NAMESPACES = {
    "accounts",
    "sandbox",
    "proofing",
    "organizations",
    "roles",
    "feedback",
    "eligibility_api",
}

# Reachable without signing in. Everything else must send a signed-out visitor to sign in
# (or answer 401/403/404/405): access is denied by default.
PUBLIC = {
    "accounts:register",
    "accounts:register_profile",
    "accounts:register_terms",
    "accounts:register_account",
    "accounts:sign_in",
    "accounts:sign_out",
    "accounts:signed_out",
    "accounts:forgot_user_id",
    "accounts:forgot_password",
    "accounts:password_reset",
    "accounts:password_reset_challenge",
    "accounts:password_reset_code",
    "accounts:password_reset_new",
    "accounts:confirm_email",
    "sandbox:inbox",
    "proofing:enter_reference",
    "feedback:lookup",
    "eligibility_api:npis",
    "eligibility_api:npi",
    "eligibility_api:stats",
}

DUMMY_BY_CONVERTER = {"IntConverter": 1, "UUIDConverter": uuid.UUID(int=1), "PathConverter": "x/y"}


def named_urls(resolver=None, namespace=""):
    """Yield (name, kwargs) for every named URL, with placeholder values for its parameters."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_urls(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            converters = getattr(entry.pattern, "converters", {})
            kwargs = {
                key: DUMMY_BY_CONVERTER.get(type(converter).__name__, "x")
                for key, converter in converters.items()
            }
            yield f"{namespace}{entry.name}", kwargs


def checked_urls():
    urls = {}
    for name, kwargs in named_urls():
        if name.split(":")[0] in NAMESPACES or name == "admin:index":
            urls.setdefault(name, reverse(name, kwargs=kwargs))
    return sorted(urls.items())


def test_the_url_walk_finds_the_account_pages():
    names = {name for name, _ in checked_urls()}
    assert {"accounts:profile", "accounts:sign_in", "sandbox:inbox", "admin:index"} <= names


@pytest.mark.parametrize("name, url", [item for item in checked_urls() if item[0] not in PUBLIC])
def test_private_url_is_denied_when_signed_out(client, name, url):
    response = client.get(url)
    if response.status_code == 302:
        assert response.url.startswith(reverse("accounts:sign_in")) or response.url.startswith(
            reverse("admin:login")
        ), f"{name} redirects to {response.url}"
    else:
        assert response.status_code in {401, 403, 404, 405}, (
            f"{name} answered {response.status_code}"
        )


@pytest.mark.parametrize("name, url", [item for item in checked_urls() if item[0] in PUBLIC])
def test_public_url_answers_without_an_error_when_signed_out(client, name, url):
    response = client.get(url)
    assert response.status_code < 500
    if response.status_code == 302:
        assert not response.url.startswith(reverse("accounts:sign_in")), name


def test_every_public_name_exists():
    names = {name for name, _ in checked_urls()}
    assert names >= PUBLIC


def test_private_post_is_denied_when_signed_out(client):
    response = client.post(reverse("accounts:device_action"), {"action": "remove", "device": "x"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign_in"))


def test_keepalive_when_signed_out_does_not_answer_as_signed_in(client):
    response = client.post(reverse("accounts:keepalive"))
    assert response.status_code != 200


# Sandbox inbox

SANDBOX = {
    "EMAIL_BACKEND": "sandbox.mail.SandboxEmailBackend",
    "PHONE_GATEWAY": "sandbox.gateway.SandboxGateway",
}


@override_settings(**SANDBOX)
def test_sandbox_inbox_lists_emails_texts_and_calls_newest_first_with_recipients(client):
    send_mail("Your QPP Portal code", "Code 111111", "portal@example.com", ["first@example.com"])
    get_phone_gateway().send_text(to="+12025550143", message="Code 222222")
    get_phone_gateway().place_call(to="+12025550199", message="Code 333333")
    content = client.get(reverse("sandbox:inbox")).content.decode()
    positions = [content.index(code) for code in ("333333", "222222", "111111")]
    assert positions == sorted(positions)
    for recipient in ("first@example.com", "+12025550143", "+12025550199"):
        assert recipient in content
    for channel in ("Email", "Text message", "Voice call"):
        assert channel in content


@override_settings(**SANDBOX)
def test_sandbox_inbox_shows_codes_sent_by_portal_flows(client, person):
    client.post(reverse("accounts:forgot_user_id"), {"email": person.email})
    content = client.get(reverse("sandbox:inbox")).content.decode()
    assert person.username in content
    assert person.email in content


@override_settings(**SANDBOX)
def test_sandbox_inbox_escapes_message_bodies(client):
    send_mail("x", "<script>alert(1)</script>", "portal@example.com", ["a@example.com"])
    content = client.get(reverse("sandbox:inbox")).content.decode()
    assert "<script>alert(1)</script>" not in content


@override_settings(SANDBOX_ENABLED=False)
def test_sandbox_inbox_is_not_found_when_the_sandbox_is_off(client):
    assert client.get(reverse("sandbox:inbox")).status_code == 404


def test_sandbox_is_off_in_base_and_production_settings():
    from qpp_portal.settings import base

    assert base.SANDBOX_ENABLED is False
    assert "sandbox" not in base.INSTALLED_APPS


# Production settings


def import_production(**env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "FIELD_ENCRYPTION_SALTS",
            "PHONE_GATEWAY",
            "REDIS_URL",
            "DJANGO_SETTINGS_MODULE",
        }
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import qpp_portal.settings.production"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


# Random, as production requires (a repetitive key is refused: tests/test_hardening.py).
REAL_KEY = "Qrf@1UJzBUC!BoP!T1x#dm-H(50XSEPcj%VfQBLKCLo!yBJbw2#a9g+c+u@W"
PRODUCTION_READY = {
    "SECRET_KEY": REAL_KEY,
    "FIELD_ENCRYPTION_SALTS": "a-real-salt",
    # Any gateway that really sends (the console one is refused: tests/test_hardening.py).
    "PHONE_GATEWAY": "carrier.gateways.CarrierGateway",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = import_production(**{k: v for k, v in PRODUCTION_READY.items() if k != "SECRET_KEY"})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_production_settings_refuse_to_start_with_the_development_secret_key():
    from qpp_portal.settings.base import DEVELOPMENT_SECRET_KEY

    result = import_production(**{**PRODUCTION_READY, "SECRET_KEY": DEVELOPMENT_SECRET_KEY})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_production_settings_refuse_to_start_with_a_short_secret_key():
    result = import_production(**{**PRODUCTION_READY, "SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_production_settings_refuse_to_start_with_the_development_salt():
    result = import_production(
        **{k: v for k, v in PRODUCTION_READY.items() if k != "FIELD_ENCRYPTION_SALTS"}
    )
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_SALTS" in result.stderr


def test_production_settings_refuse_to_start_without_a_phone_gateway():
    result = import_production(
        **{k: v for k, v in PRODUCTION_READY.items() if k != "PHONE_GATEWAY"}
    )
    assert result.returncode != 0
    assert "PHONE_GATEWAY" in result.stderr


def test_production_settings_start_with_a_real_key_salt_and_gateway():
    assert len(REAL_KEY) == 60
    result = import_production(**PRODUCTION_READY)
    assert result.returncode == 0, result.stderr


# The PHONE_GATEWAY system check


@override_settings(PHONE_GATEWAY="accounts.gateways.nowhere.Gateway")
def test_phone_gateway_check_errors_for_a_path_that_cannot_be_imported():
    errors = check_phone_gateway(None)
    assert [error.id for error in errors] == ["accounts.E001"]


@override_settings(PHONE_GATEWAY="accounts.models.User")
def test_phone_gateway_check_errors_for_a_class_that_is_not_a_gateway():
    errors = check_phone_gateway(None)
    assert [error.id for error in errors] == ["accounts.E002"]


@override_settings(PHONE_GATEWAY="accounts.gateways.console.ConsoleGateway")
def test_phone_gateway_check_accepts_a_gateway():
    assert check_phone_gateway(None) == []


def test_changing_the_phone_gateway_setting_changes_the_gateway():
    with override_settings(PHONE_GATEWAY="accounts.gateways.console.ConsoleGateway"):
        assert type(get_phone_gateway()).__name__ == "ConsoleGateway"
    assert type(get_phone_gateway()).__name__ == "LocmemGateway"
