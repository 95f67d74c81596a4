"""OWASP ASVS 4.0.3 L2 requirements that Django settings meet, pinned so they stay met."""

import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.test_hardening import PRODUCTION_ENV, run_production

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:sign_in")


def test_every_page_sends_csp_nosniff_frame_denial_and_referrer_policy(client):
    response = client.get(SIGN_IN)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Content-Type"] == "text/html; charset=utf-8"


def test_a_post_without_a_csrf_token_is_refused(person):
    client = Client(enforce_csrf_checks=True)
    response = client.post(SIGN_IN, {"username": person.username, "password": "x"})
    assert response.status_code == 403


def test_responses_do_not_name_the_server_software(client):
    response = client.get(SIGN_IN)
    assert "Server" not in response.headers or "Django" not in response["Server"]
    assert "X-Powered-By" not in response.headers


def test_production_turns_debug_off_and_sends_hsts_for_subdomains_over_https_only():
    code = (
        "import json, qpp_portal.settings.production as p; print(json.dumps({n: getattr(p, n) "
        "for n in ['DEBUG', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', "
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SANDBOX_ENABLED']}))"
    )
    result = run_production(code, **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SANDBOX_ENABLED": False,
    }


def test_passwords_may_be_128_characters_long_and_no_longer(client):
    # ASVS 2.1.2. (2.1.4, any Unicode character, does not apply: the brief allows only
    # the symbols . ! @ # $ % ^ & *, as HARP does.)
    from accounts.forms import SetPasswordForm
    from tests.factories import UserFactory

    user = UserFactory()
    password = ("Correct.Horse7Battery!" * 6)[:128]
    form = SetPasswordForm({"password1": password, "password2": password}, user=user)
    assert form.is_valid(), form.errors
    too_long = password + "x"
    form = SetPasswordForm({"password1": too_long, "password2": too_long}, user=user)
    assert not form.is_valid()


def test_passwords_are_not_truncated(person):
    from tests.factories import DEFAULT_PASSWORD

    assert person.check_password(DEFAULT_PASSWORD)
    assert not person.check_password(DEFAULT_PASSWORD[:-1])


def test_session_ids_come_from_django_with_enough_entropy(client, person):
    from tests.factories import DEFAULT_PASSWORD

    client.post(SIGN_IN, {"username": person.username, "password": DEFAULT_PASSWORD})
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert len(key) == 32  # Django: 32 characters of [a-z0-9] from secrets, ~165 bits


def test_the_session_id_is_never_in_a_url(client, person):
    from tests.factories import DEFAULT_PASSWORD

    response = client.post(
        SIGN_IN, {"username": person.username, "password": DEFAULT_PASSWORD}, follow=True
    )
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert all(key not in url for url, _ in response.redirect_chain)
    assert key not in response.content.decode()
