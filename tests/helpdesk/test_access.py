"""Every help-desk page and action is the help desk's alone."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def pages(person_id):
    return [
        reverse("helpdesk:home"),
        reverse("helpdesk:people") + "?query=grace",
        reverse("helpdesk:person", args=[person_id]),
        reverse("helpdesk:verify_caller", args=[person_id]),
        reverse("helpdesk:audit_log"),
        reverse("helpdesk:audit_export"),
    ]


ACTIONS = [
    "unlock-sign-in",
    "unlock-codes",
    "reset-two-factor",
    "reactivate",
    "resend-confirmation",
]


def test_the_help_desk_opens_every_page(desk, caller):
    for url in pages(caller.pk):
        assert desk.get(url).status_code == 200, url


def test_the_header_links_the_help_desk_workspace_for_the_help_desk_only(
    as_user, help_desk, outsider
):
    home = reverse("helpdesk:home")
    assert f'href="{home}"' in as_user(help_desk).get(reverse("accounts:home")).content.decode()
    assert f'href="{home}"' not in as_user(outsider).get(reverse("accounts:home")).content.decode()


@pytest.mark.parametrize("persona", ["outsider", "security_official", "caller"])
def test_everyone_else_is_refused_every_page_and_action(request, as_user, caller, persona):
    client = as_user(request.getfixturevalue(persona))
    for url in pages(caller.pk):
        assert client.get(url).status_code == 403, url
    for action in ACTIONS:
        url = reverse("helpdesk:person_action", args=[caller.pk, action])
        assert client.post(url, {"reason": "Please"}).status_code == 403, url
    verify = reverse("helpdesk:verify_caller", args=[caller.pk])
    assert client.post(verify, {}).status_code == 403


def test_a_signed_out_visitor_is_sent_to_sign_in(client, caller):
    for url in pages(caller.pk):
        response = client.get(url)
        assert response.status_code == 302 and "/signin/" in response.url, url


def test_an_unknown_person_or_action_is_not_found(desk, caller):
    assert desk.get(reverse("helpdesk:person", args=[99999])).status_code == 404
    url = reverse("helpdesk:person_action", args=[caller.pk, "delete-everything"])
    assert desk.post(url, {"reason": "x"}).status_code == 404
