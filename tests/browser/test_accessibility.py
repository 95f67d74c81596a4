"""axe-core (from npm) finds no WCAG 2.1 A or AA violation on the portal's pages."""

import json
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from django.test import Client

from organizations.models import Organization
from roles.capabilities import Role
from roles.models import Membership
from tests.factories import UserFactory

from .conftest import SCREENSHOTS
from .page_walk import build_world, persona_path, persona_paths, url_names

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


# --- Every page of every persona, at both widths, with the Content-Security-Policy on ---

WIDTHS = (1280, 375)
SCREENSHOT_WIDTH = 375


def _open_persona(browser, live_server, sign_in, persona):
    """Return a page in a context of its own, signed in as the persona (if anyone), with
    axe added before any page script (a DevTools init script, so the CSP stays enforced)."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    context.add_init_script(path=str(AXE))
    if persona.user is not None:
        client = sign_in(Client(), persona.user)
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    return page


def run_axe(page):
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' '))"
        ".join(', ')))",
        WCAG_21_AA,
    )


def page_problems(page, screenshot_name):
    """Return the problems of the page as it stands, at every width: axe violations,
    console errors (a CSP refusal is one) and sideways scrolling at 375 px."""
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        problems += [f"{width}px {v}" for v in run_axe(page)]
        if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
            problems.append(f"{width}px scrolls sideways")
        if width == SCREENSHOT_WIDTH:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{screenshot_name}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    problems += [f"console: {text}" for text in page.console_errors]
    page.console_errors.clear()
    return problems


def open_path(page, path):
    """Open ``path``; return False when it is not this persona's page (refused, redirected,
    not HTML). The request is tried first (same cookies), so no error page is rendered."""
    probe = page.request.get(path)
    target = urlparse(path)
    if not (
        probe.status == 200
        and urlparse(probe.url).path == target.path
        and "text/html" in probe.headers.get("content-type", "")
    ):
        return False
    page.console_errors.clear()
    response = page.goto(path)
    return response is not None and response.ok and urlparse(page.url).path == target.path


def _slug(path):
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def test_every_page_of_every_persona_has_no_violation_at_both_widths(
    browser, live_server, sign_in
):
    personas = build_world()
    found, covered = {}, []
    for persona in personas:
        page = _open_persona(browser, live_server, sign_in, persona)
        for path in persona_paths(persona):
            if not open_path(page, path):
                continue
            covered.append((persona.name, path))
            problems = page_problems(page, f"a11y-{persona.name}-{_slug(path)}")
            if problems:
                found[f"{persona.name} {path}"] = problems
        page.context.close()
    print(f"\n{len(covered)} page states x {len(WIDTHS)} widths checked")
    (SCREENSHOTS.parent / "a11y-coverage.txt").write_text(
        "\n".join(f"{name} {path}" for name, path in covered) + "\n"
    )
    (SCREENSHOTS.parent / "a11y-problems.json").write_text(json.dumps(found, indent=1))
    assert len(covered) > 100
    assert found == {}


# --- The main forms, sent empty: their error states at both widths -----------------------

# (persona, URL name, the buttons pressed in turn to send the form as it is)
EMPTY_FORMS = [
    ("signed-out", "accounts:register_profile", ["Next: terms and conditions"]),
    ("signed-out", "accounts:sign_in", ["Sign in"]),
    ("practice-official", "roles:connect_find", ["Search"]),
    ("newcomer", "roles:connect_role", ["Send request"]),
    ("newcomer", "roles:request_validate", ["Validate"]),
    ("practice-official", "roles:decide", ["Save decision"]),
    ("practice-official", "feedback:exception_new", ["Submit the application"]),
    ("practice-official", "feedback:opt_in", ["Make this election", "Yes, record the election"]),
    ("practice-official", "submissions:submit_ia", ["Save Improvement Activities"]),
    ("practice-official", "submissions:submit_pi", ["Save Promoting Interoperability"]),
    ("practice-official", "submissions:submit_quality", ["Enter data for the ticked measures"]),
    ("registry-official", "submissions:upload", ["Upload and check"]),
    ("registry-official", "submissions:token_create", ["Create token"]),
    ("help-desk", "helpdesk:people", ["Find"]),
    ("help-desk", "helpdesk:verify_caller", ["Caller verified"]),
]

# Empty what a person could have typed or ticked (values the page filled in included); a
# chosen radio button stays chosen, as no one can unchoose it.
EMPTY_THE_FORM = """button => {
  const form = button.form || button.closest("form") || document.getElementById(
    button.getAttribute("aria-controls") || "");
  const scope = form || document;
  scope.querySelectorAll("input, textarea, select").forEach(field => {
    if (["hidden", "submit", "button", "file"].includes(field.type)) { return; }
    if (field.type === "radio") { return; }
    if (field.type === "checkbox") { field.checked = false; }
    else if (field.tagName === "SELECT") {
      const blank = [...field.options].find(option => option.value === "");
      if (blank) { field.value = ""; }
    } else { field.value = ""; }
  });
}"""

ERROR_SHOWN = (
    "() => !!document.querySelector('#error-summary, .usa-error-message, .usa-alert--error')"
)


def test_main_forms_sent_empty_show_errors_without_violation_at_both_widths(
    browser, live_server, sign_in
):
    personas = {persona.name: persona for persona in build_world()}
    kwargs = dict(url_names())
    found, pages = {}, {}
    for persona_name, url_name, buttons in EMPTY_FORMS:
        persona = personas[persona_name]
        if persona_name not in pages:
            pages[persona_name] = _open_persona(browser, live_server, sign_in, persona)
        page = pages[persona_name]
        path = persona_path(persona, url_name, kwargs[url_name])
        assert path and open_path(page, path), f"{persona_name} cannot open {url_name}"
        first = page.get_by_role("button", name=buttons[0]).first
        first.evaluate(EMPTY_THE_FORM)
        with page.expect_navigation():
            for name in buttons:
                page.get_by_role("button", name=name).first.click()
        assert page.evaluate(ERROR_SHOWN), f"{persona_name} {url_name}: no error shown"
        # Some refused forms answer 400 on purpose; Chromium logs the page's own status.
        page.console_errors[:] = [
            text for text in page.console_errors if "status of 400 (Bad Request)" not in text
        ]
        problems = page_problems(page, f"a11y-errors-{persona_name}-{_slug(path)}")
        if problems:
            found[f"{persona_name} {url_name}"] = problems
    for page in pages.values():
        page.context.close()
    assert found == {}
