"""Access is denied by default: every organization view declares its capability, ids of
other organizations and other people's requests lead nowhere, and signed-out visitors are
sent to sign in."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from roles import services
from roles.capabilities import Capability
from roles.decorators import ANY_ROLE, HELP_DESK, REQUESTER
from tests.organizations.factories import PracticeFactory

from .factories import MembershipFactory

pytestmark = pytest.mark.django_db


def all_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from all_patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def organization_routes():
    return [
        (route, pattern)
        for route, pattern in all_patterns()
        if "organization_id" in getattr(pattern.pattern, "converters", {})
    ]


DECLARATIONS = {ANY_ROLE, REQUESTER, HELP_DESK, *Capability}


def test_the_url_walk_finds_the_organization_views():
    routes = [route for route, _ in organization_routes()]
    assert "access/organizations/<int:organization_id>/access/" in routes


@pytest.mark.parametrize(
    "route, pattern", organization_routes(), ids=[route for route, _ in organization_routes()]
)
def test_every_view_taking_an_organization_id_declares_the_capability_it_needs(route, pattern):
    """Use roles.decorators.requires_capability (or open_to_requesters / help_desk_only)."""
    assert getattr(pattern.callback, "required_capability", None) in DECLARATIONS, route


def roles_urls():
    for route, pattern in all_patterns():
        if route.startswith("access/") and pattern.name:
            kwargs = dict.fromkeys(getattr(pattern.pattern, "converters", {}), 1)
            if "kind" in kwargs:
                kwargs["kind"] = "practice"
            yield reverse(f"roles:{pattern.name}", kwargs=kwargs)


@pytest.mark.parametrize("url", list(roles_urls()))
def test_roles_pages_send_a_signed_out_visitor_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign_in"))


@pytest.fixture
def other_practice(db):
    other = PracticeFactory(legal_business_name="Other Practice")
    MembershipFactory(organization=other)
    return other


def test_a_person_without_a_role_in_an_organization_gets_404_for_its_pages(
    as_user, security_official, other_practice
):
    client = as_user(security_official)
    for name in ("roles:organization", "roles:organization_access"):
        assert client.get(reverse(name, args=[other_practice.pk])).status_code == 404


def test_a_request_of_another_organization_cannot_be_decided_through_ones_own(
    as_user, outsider, practice, security_official, other_practice
):
    foreign = services.request_role(user=outsider, organization=other_practice, role="staff_user")
    client = as_user(security_official)
    # Own organization id, other organization's request id.
    mixed = client.post(
        reverse("roles:decide", args=[practice.pk, foreign.pk]), {"decision": "approve"}
    )
    assert mixed.status_code == 404
    # Other organization's id outright.
    direct = client.post(
        reverse("roles:decide", args=[other_practice.pk, foreign.pk]), {"decision": "approve"}
    )
    assert direct.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "pending"


def test_a_member_of_another_organization_cannot_be_revoked_through_ones_own(
    as_user, practice, security_official, other_practice
):
    foreign = MembershipFactory(organization=other_practice, role="staff_user")
    response = as_user(security_official).post(
        reverse("roles:revoke", args=[practice.pk, foreign.pk]), {"reason": "x"}
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "active"


def test_a_staff_user_gets_403_on_manage_access_pages_of_their_own_organization(
    as_user, practice, staff_user, security_official
):
    client = as_user(staff_user)
    assert client.get(reverse("roles:organization_access", args=[practice.pk])).status_code == 403
    official = security_official.memberships.get()
    revoke = client.post(reverse("roles:revoke", args=[practice.pk, official.pk]), {"reason": "x"})
    assert revoke.status_code == 403


def test_other_peoples_request_pages_are_not_found(
    as_user, outsider, practice, security_official, staff_user
):
    request = services.request_role(user=outsider, organization=practice, role="security_official")
    client = as_user(staff_user)
    for name in ("roles:request_detail", "roles:request_validate"):
        assert client.get(reverse(name, args=[request.pk])).status_code == 404


def test_help_desk_pages_refuse_people_without_the_permission(
    as_user, practice, security_official
):
    client = as_user(security_official)
    for url in (
        reverse("roles:help_desk"),
        reverse("roles:help_desk_queue"),
        reverse("roles:help_desk_organization", args=[practice.pk]),
        reverse("roles:help_desk_review", args=[1]),
    ):
        assert client.get(url).status_code == 403, url


def test_unknown_organization_type_in_the_connect_flow_is_not_found(signed_in_client):
    assert (
        signed_in_client.get(reverse("roles:connect_find", args=["hospital"])).status_code == 404
    )


def test_the_manage_access_link_shows_in_the_header_and_on_home(signed_in_client):
    home = signed_in_client.get(reverse("accounts:home")).content.decode()
    assert home.count(reverse("roles:manage")) >= 2
