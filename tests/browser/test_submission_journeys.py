"""MIPS data in a browser: a registry Security Official creates an API token; a registry
Staff User uploads a file and sees its preliminary score; practice staff attest an
improvement activity and find it in View submitted data. Screenshots at 1280 and 375 px
wide go to test-artifacts/screenshots/."""

import json
from pathlib import Path

import pytest

from roles.capabilities import Role
from tests.factories import UserFactory
from tests.organizations.factories import PracticeFactory, RegistryFactory, valid_npi
from tests.roles.factories import MembershipFactory
from tests.submissions.conftest import cms_example

from .conftest import choose

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
NARROW = {"width": 375, "height": 800}
WIDE = {"width": 1280, "height": 900}


def both_widths(page, screenshot, name):
    screenshot(page, f"{name}-1280")
    page.set_viewport_size(NARROW)
    screenshot(page, f"{name}-375")
    page.set_viewport_size(WIDE)


def registry_with(role):
    registry = RegistryFactory(legal_business_name="Southpoint Cardiovascular QCDR")
    official = UserFactory(username="rosa.official", first_name="Rosa", last_name="Ramirez")
    MembershipFactory(user=official, organization=registry, role=Role.SECURITY_OFFICIAL)
    if role == Role.SECURITY_OFFICIAL:
        return registry, official
    staff = UserFactory(username="reggie.staff", first_name="Reggie", last_name="Reed")
    MembershipFactory(user=staff, organization=registry, role=Role.STAFF_USER)
    return registry, staff


def open_organization(page, name):
    page.goto("/access/")
    page.get_by_role("link", name=name).click()
    page.get_by_role("heading", name="What you can do here").wait_for()


def test_a_registry_security_official_creates_an_api_token(signed_in_page, screenshot):
    registry, official = registry_with(Role.SECURITY_OFFICIAL)
    page = signed_in_page(official)
    open_organization(page, registry.legal_business_name)
    screenshot(page, "submissions-token-01-organization")
    page.get_by_role("link", name="Download the API token").click()
    page.get_by_role("heading", name="API tokens").wait_for()
    page.get_by_text("No tokens yet.").wait_for()
    page.get_by_role("button", name="Create token").click()
    page.get_by_text("Enter a label for the token.").first.wait_for()
    page.get_by_label("Label").fill("Nightly upload from our EHR")
    page.get_by_role("button", name="Create token").click()
    page.get_by_role("heading", name="Copy the token now: it will not be shown again").wait_for()
    secret = page.get_by_label("Your new token").input_value()
    assert secret.startswith("qpp_")
    both_widths(page, screenshot, "submissions-token-02-secret-shown-once")
    page.reload()
    page.get_by_text("cannot be shown again").wait_for()
    assert secret not in page.content()
    page.get_by_role("link", name="Back to API tokens").click()
    page.get_by_role("cell", name="Nightly upload from our EHR").wait_for()
    both_widths(page, screenshot, "submissions-token-03-list")
    page.get_by_role("link", name="Revoke Nightly upload from our EHR").click()
    page.get_by_role("button", name="Revoke the token").click()
    page.get_by_text("is revoked: it no longer works.").wait_for()
    screenshot(page, "submissions-token-04-revoked")


def test_a_registry_staff_user_uploads_a_file_and_sees_its_preliminary_score(
    signed_in_page, screenshot, tmp_path
):
    registry, staff = registry_with(Role.STAFF_USER)
    page = signed_in_page(staff)
    open_organization(page, registry.legal_business_name)
    page.get_by_role("link", name="Upload a submission file").click()
    page.get_by_role("heading", name="Upload a submission file").wait_for()

    broken = cms_example("ia", year=2024, npi=valid_npi("123456789"))
    broken["performanceYear"] = 1999
    broken["measurementSets"][0]["measurements"][0]["value"] = "yes"
    bad_file = tmp_path / "clinic-ia-broken.json"
    bad_file.write_text(json.dumps(broken))
    page.locator("#id_file").set_input_files(str(bad_file))
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("heading", name="Problems in clinic-ia-broken.json").wait_for()
    page.get_by_role("rowheader", name="$.performanceYear").wait_for()
    both_widths(page, screenshot, "submissions-upload-01-problems")

    good_file = tmp_path / "clinic-ia.json"
    good_file.write_text(json.dumps(cms_example("ia", year=2024, npi=valid_npi("123456789"))))
    page.locator("#id_file").set_input_files(str(good_file))
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("heading", name="clinic-ia.json is saved").wait_for()
    page.get_by_text("1 measurement set created, 0 replaced").wait_for()
    both_widths(page, screenshot, "submissions-upload-02-saved")
    page.get_by_role("link", name="See its preliminary score").click()
    page.get_by_role("heading", name="Preliminary score for 2024").wait_for()
    page.get_by_text("Preliminary final score").wait_for()
    page.locator('[data-measure="IA_PM_2"]').wait_for()
    both_widths(page, screenshot, "submissions-upload-03-preliminary-score")


def test_practice_staff_attest_an_activity_and_find_it_in_view_submitted_data(
    signed_in_page, screenshot
):
    practice = PracticeFactory(legal_business_name="Sunrise Family Medicine LLC", tin="123456789")
    MembershipFactory(organization=practice, role=Role.SECURITY_OFFICIAL)
    staff = UserFactory(username="sam.staff", first_name="Samuel", last_name="Stone")
    MembershipFactory(user=staff, organization=practice, role=Role.STAFF_USER)
    page = signed_in_page(staff)
    open_organization(page, practice.legal_business_name)
    page.get_by_role("link", name="Submit data").click()
    page.get_by_label("Performance year").select_option("2024")
    choose(page, "The group: Sunrise Family Medicine LLC (TIN ***-**6789)")
    both_widths(page, screenshot, "submissions-ia-01-choose")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Submit data for 2024").wait_for()
    both_widths(page, screenshot, "submissions-ia-02-categories")
    page.get_by_role("link", name="Report Improvement Activities").click()
    page.get_by_role("heading", name="Improvement Activities").wait_for()
    page.get_by_label("Search activities by title or subcategory").fill("anticoagulant")
    page.get_by_role("button", name="Search").click()
    page.get_by_text("of 106 activities shown").wait_for()
    activity_id = page.locator('input[value="IA_PM_2"]').get_attribute("id")
    page.locator(f'label[for="{activity_id}"]').click()
    page.get_by_label("Performance period end").fill("2024-02-01")
    page.get_by_role("button", name="Save Improvement Activities").click()
    page.get_by_text("it must be at least 90 continuous days").first.wait_for()
    assert page.locator('input[value="IA_PM_2"]').is_checked()
    both_widths(page, screenshot, "submissions-ia-03-period-too-short")
    page.get_by_label("Performance period end").fill("2024-06-30")
    page.get_by_role("button", name="Save Improvement Activities").click()
    page.get_by_text("Improvement Activities saved for The group").wait_for()
    page.get_by_role("heading", name="Submitted data for 2024").wait_for()
    page.get_by_role("rowheader", name="IA_PM_2").wait_for()
    both_widths(page, screenshot, "submissions-ia-04-view-submitted-data")
    page.get_by_role("link", name="Preliminary score").first.click()
    page.get_by_text("Preliminary final score").wait_for()
    both_widths(page, screenshot, "submissions-ia-05-preliminary-score")


def test_the_submission_pages_have_no_wcag_violation(
    browser, live_server, client, sign_in, screenshot
):
    """axe-core, as in test_accessibility.py (a context without CSP, which forbids the
    injected script), on each page with data in it."""
    practice = PracticeFactory(legal_business_name="Sunrise Family Medicine LLC", tin="123456789")
    staff = UserFactory(username="sam.staff")
    MembershipFactory(user=staff, organization=practice, role=Role.STAFF_USER)
    registry, official = registry_with(Role.SECURITY_OFFICIAL)
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()

    def as_user(user):
        sign_in(client, user)
        context.clear_cookies()
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )

    def violations(path, name=None):
        response = page.goto(path)
        assert response.ok, path
        if name:
            both_widths(page, screenshot, name)
        page.add_script_tag(path=str(AXE))
        return page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
            ".then(r => r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))})))"
        )

    as_user(staff)
    base = f"/submissions/{practice.pk}"
    for path in (
        f"{base}/submit/",
        f"{base}/submit/2024/group/",
        f"{base}/submit/2024/group/improvement-activities/",
        f"{base}/submitted/",
    ):
        assert violations(path) == [], path
    for path, name in (
        (f"{base}/submit/2024/group/promoting-interoperability/", "submissions-pi"),
        (f"{base}/submit/2024/group/quality/?method=registry&q=diabetes", "submissions-quality-1"),
        (
            f"{base}/submit/2024/group/quality/data/?method=registry&measure=001&measure=052"
            "&measure=USWR36",
            "submissions-quality-2",
        ),
    ):
        assert violations(path, name) == [], path
    as_user(official)
    for path in (
        f"/submissions/{registry.pk}/upload/",
        f"/submissions/{registry.pk}/scoring/",
        f"/submissions/{registry.pk}/api-tokens/",
    ):
        assert violations(path) == [], path
    context.close()
