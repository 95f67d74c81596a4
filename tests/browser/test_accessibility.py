"""axe-core (from npm) finds no WCAG 2.1 A or AA violation on the portal's pages."""

from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.core.management import call_command

from organizations.models import Organization
from roles.capabilities import Role
from roles.models import Membership
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def page(browser, live_server):
    # axe is injected as a script, which the portal's Content-Security-Policy forbids.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    yield context.new_page()
    context.close()


def axe_violations(page):
    """Run axe on the page as it stands; return each violation with the elements at fault."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => ({id: v.id, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))})))",
        WCAG_21_AA,
    )


def violations(page, path):
    response = page.goto(path)
    # The page itself, not a redirect to sign in or an error page, is what is checked.
    assert response.ok and urlparse(page.url).path == urlparse(path).path, page.url
    return axe_violations(page)


@pytest.mark.parametrize(
    "path",
    [
        "/signin/",
        "/register/profile/",
        "/recover/password/",
        "/recover/user-id/",
        "/feedback/participation/",
        "/feedback/participation/?npi=1234567893",
        "/sandbox/inbox/",
    ],
)
def test_public_page_has_no_wcag_violation(page, path):
    assert violations(page, path) == []


def test_profile_form_with_errors_has_no_wcag_violation(page):
    page.goto("/register/profile/")
    page.get_by_role("button", name="Next: terms and conditions").click()
    page.get_by_text("There are problems with what you entered").wait_for()
    assert axe_violations(page) == []


@pytest.fixture
def official(db):
    call_command("import_reference_data", "organizations/sample_data", verbosity=0)
    call_command("generate_feedback_data", seed=1, verbosity=0)
    person = UserFactory(username="axe.official")
    practice = Organization.objects.get(tin="123456789")
    Membership.objects.create(
        user=person, organization=practice, role=Role.SECURITY_OFFICIAL, status="active"
    )
    return person, practice


def test_signed_in_pages_have_no_wcag_violation(signed_in_page, official):
    person, practice = official
    page = signed_in_page(person)
    paths = [
        "/",
        "/profile/",
        "/profile/devices/",
        "/profile/activity/",
        "/profile/password/",
        "/access/",
        "/access/connect/",
        "/access/connect/find/practice/?query=hopper",
        f"/access/organizations/{practice.pk}/",
        f"/feedback/{practice.pk}/",
        f"/feedback/{practice.pk}/eligibility/",
        f"/feedback/{practice.pk}/exceptions/",
        "/organizations/search/?kind=practice&query=sun",
    ]
    found = {path: violations(page, path) for path in paths}
    assert {path: v for path, v in found.items() if v} == {}


def test_the_check_itself_reports_an_unlabelled_field(page):
    page.set_content("<html><body><input type='text'></body></html>")
    assert "label" in [violation["id"] for violation in axe_violations(page)]
