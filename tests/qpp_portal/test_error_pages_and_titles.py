"""The portal's own error pages, one descriptive title per page, and confirmations before
destructive or binding actions."""

import re
from collections import defaultdict

import pytest
from django.contrib.auth.decorators import login_not_required
from django.test import Client, override_settings
from django.urls import path, reverse

from qpp_portal import urls as portal_urls
from tests.browser.page_walk import build_world, persona_paths
from tests.factories import UserFactory


@login_not_required
def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [*portal_urls.urlpatterns, path("boom/", _boom)]


def title(response):
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_server_error_shows_the_portals_own_page(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "boom" not in response.content.decode()
    assert 'rel="icon"' in response.content.decode()


@pytest.mark.django_db
def test_a_bad_request_shows_the_portals_own_page(client):
    response = client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert "could not understand that request" in response.content.decode()


@pytest.mark.django_db
def test_a_failed_csrf_check_says_what_to_do_in_the_portals_style():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:sign_in"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Your form could not be sent" in body
    assert "CSRF" not in body


@pytest.mark.django_db
def test_the_access_denied_page_offers_a_way_out(client, sign_in):
    sign_in(client, UserFactory())
    response = client.get(reverse("helpdesk:home"))
    assert response.status_code == 403
    assert reverse("roles:manage") in response.content.decode()


@pytest.mark.django_db
def test_a_refused_form_puts_error_first_in_the_title(client):
    response = client.post(reverse("accounts:register_profile"), {})
    assert title(response).startswith("Error: ")


@pytest.mark.django_db
def test_every_page_of_a_persona_has_a_title_of_its_own(sign_in):
    """Walk the URLconf as each persona; two different pages never share a title."""
    duplicates = {}
    for persona in build_world():
        client = Client()
        if persona.user is not None:
            sign_in(client, persona.user)
        titles = defaultdict(set)
        for page in persona_paths(persona):
            response = client.get(page)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            titles[title(response)].add(page.split("?")[0])
        duplicates.update(
            {f"{persona.name}: {t}": sorted(p) for t, p in titles.items() if len(p) > 1}
        )
        assert all(t != "QPP Portal | QPP Portal" for t in titles), persona.name
    assert duplicates == {}


@pytest.mark.django_db
def test_destructive_and_binding_actions_ask_to_confirm_first(client, sign_in):
    from tests.accounts.factories import PhoneDeviceFactory

    person = UserFactory()
    sign_in(client, person)
    PhoneDeviceFactory(user=person)
    page = client.get(reverse("accounts:devices")).content.decode()
    # The visible buttons only open a USWDS modal; its button submits the form.
    assert 'aria-controls="confirm-new-codes" data-open-modal' in page
    assert "Yes, make new codes" in page
    assert re.search(r'form="device-\d+"[^>]*name="action" value="remove"', page)
    assert not re.search(r'<button[^>]*type="submit"[^>]*>Remove', page)
