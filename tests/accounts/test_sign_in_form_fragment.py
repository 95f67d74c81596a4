"""The empty sign-in form is drawn once per process and kept (the "page_fragments" cache);
a submitted one is drawn every time, with what was typed and what was wrong."""

import pytest
from django.core.cache import caches
from django.urls import reverse

from accounts.forms import SignInForm

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_fragments():
    caches["page_fragments"].clear()
    yield
    caches["page_fragments"].clear()


def test_the_kept_empty_form_is_the_form_as_drawn(client):
    first = client.get(reverse("accounts:sign_in")).content.decode()
    kept = client.get(reverse("accounts:sign_in")).content.decode()
    assert str(SignInForm()) in first
    assert str(SignInForm()) in kept


def test_a_failed_sign_in_keeps_the_user_id_and_says_why_after_the_empty_form_was_kept(client):
    client.get(reverse("accounts:sign_in"))
    response = client.post(
        reverse("accounts:sign_in"), {"username": "<b>nobody.here</b>", "password": "wrong"}
    )
    page = response.content.decode()
    assert 'value="&lt;b&gt;nobody.here&lt;/b&gt;"' in page
    assert "LOGIN FAILED" in page.upper()
    assert str(SignInForm()) not in page
