"""Feedback pages and CSV downloads are sent with Cache-Control: no-store."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def assert_no_store(response):
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    "name,args",
    [
        ("feedback:index", []),
        ("feedback:summary", ["org"]),
        ("feedback:download", ["org", 2025]),
        ("feedback:eligibility", ["org"]),
        ("feedback:exceptions", ["org"]),
    ],
)
def test_feedback_pages_are_not_stored_by_browsers_or_proxies(
    client, sign_in, security_official, practice, reports, name, args
):
    sign_in(client, security_official)
    args = [practice.pk if arg == "org" else arg for arg in args]
    assert_no_store(client.get(reverse(name, args=args)))


def test_public_lookup_is_not_marked_no_store_for_anonymous_visitors(client, db):
    response = client.get(reverse("feedback:lookup"))
    assert "no-store" not in response.get("Cache-Control", "")
