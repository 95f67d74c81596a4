"""Who may open each submission page: seed 003's table, written out here on its own so a
change to roles/capabilities.py that breaks it fails. Each person opens the page of their
own organization (a role without the capability: 403); someone without a role there: 404."""

import pytest
from django.urls import reverse

from roles.capabilities import Role
from tests.factories import UserFactory
from tests.organizations.factories import PracticeFactory
from tests.roles.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PAGES = ["submit", "submitted", "upload", "scoring", "tokens"]
# persona: the pages it may open (the others are 403).
ALLOWED = {
    "practice_official": {"submit", "submitted"},
    "practice_staff": {"submit", "submitted"},
    "practice_clinician": set(),
    "virtual_group_staff": {"submit", "submitted"},
    "apm_staff": {"submit"},
    "registry_staff": {"upload", "scoring"},
    "registry_official": {"upload", "scoring", "tokens"},
}
ORGANIZATION_OF = {
    "practice_official": "practice",
    "practice_staff": "practice",
    "practice_clinician": "practice",
    "virtual_group_staff": "virtual_group",
    "apm_staff": "apm_entity",
    "registry_staff": "registry",
    "registry_official": "registry",
}


@pytest.fixture
def virtual_group(db):
    return PracticeFactory(virtual_group=True, legal_business_name="Valley Virtual Group")


@pytest.fixture
def virtual_group_staff(virtual_group):
    MembershipFactory(organization=virtual_group, role=Role.SECURITY_OFFICIAL)
    user = UserFactory(username="vg.staff")
    MembershipFactory(user=user, organization=virtual_group, role=Role.STAFF_USER)
    return user


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("persona", list(ALLOWED))
def test_each_role_opens_exactly_the_pages_seed_003_gives_it(
    request, client, sign_in, persona, page
):
    user = request.getfixturevalue(persona)
    organization = request.getfixturevalue(ORGANIZATION_OF[persona])
    sign_in(client, user)
    response = client.get(reverse(f"submissions:{page}", args=[organization.pk]))
    assert response.status_code == (200 if page in ALLOWED[persona] else 403)


@pytest.mark.parametrize("page", PAGES)
def test_someone_without_a_role_in_the_organization_gets_404(
    client, sign_in, outsider, practice, registry, page
):
    sign_in(client, outsider)
    for organization in (practice, registry):
        response = client.get(reverse(f"submissions:{page}", args=[organization.pk]))
        assert response.status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_a_signed_out_visitor_is_sent_to_sign_in(client, practice, page):
    response = client.get(reverse(f"submissions:{page}", args=[practice.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign_in"))


def test_the_organization_page_links_each_submission_card_to_its_page(
    client, sign_in, registry_official, registry
):
    sign_in(client, registry_official)
    response = client.get(reverse("roles:organization", args=[registry.pk]))
    html = response.content.decode()
    for page in ("upload", "scoring", "tokens"):
        assert reverse(f"submissions:{page}", args=[registry.pk]) in html
    for capability in ("upload_submission_file", "view_preliminary_scoring", "download_api_token"):
        card = html.split(f'data-capability="{capability}"')[1].split("</li>")[0]
        assert "Coming soon" not in card


def test_a_practice_card_links_to_submit_and_view_submitted_data(
    client, sign_in, practice_staff, practice
):
    sign_in(client, practice_staff)
    html = client.get(reverse("roles:organization", args=[practice.pk])).content.decode()
    assert reverse("submissions:submit", args=[practice.pk]) in html
    assert reverse("submissions:submitted", args=[practice.pk]) in html
