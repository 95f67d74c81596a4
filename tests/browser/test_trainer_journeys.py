"""A trainer drives the sandbox from the console while people use the portal: the clock
(a request expires, an account goes dormant), a bureau outage, a text outage during sign-in,
the Why panel for a refused validation and a yearly access review; and a passkey registered
and used to sign in, in Chromium's virtual authenticator."""

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from django_otp.oath import totp

from accounts.models import PhoneDevice, User
from audit.models import AuditEvent
from qpp_portal import clock
from roles.capabilities import Role
from roles.models import AccessReviewItem, Membership
from roles.services import request_role, validate_first_security_official
from sandbox import faults
from sandbox.models import SandboxMessage
from tests.factories import DEFAULT_PASSWORD, TOTPDeviceFactory, UserFactory
from tests.organizations.factories import PracticeFactory
from tests.roles.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _real_time_and_no_faults():
    clock.reset()
    faults.clear()
    yield
    clock.reset()
    faults.clear()


@pytest.fixture
def trainer_page(signed_in_page):
    trainer = UserFactory(username="terry.trainer", first_name="Terry")
    trainer.user_permissions.add(
        Permission.objects.get(codename="trainer", content_type__app_label="sandbox")
    )
    page = signed_in_page(trainer)
    page.goto("/sandbox/console/")
    page.get_by_role("heading", name="Trainer's console").wait_for()
    return page


def person_with_app(username, first_name, **fields):
    person = UserFactory(username=username, first_name=first_name, **fields)
    device = TOTPDeviceFactory(user=person)
    person.default_device = device.persistent_id
    person.save(update_fields=["default_device"])
    return person, device


def enter_password(page, person):
    page.goto("/signin/")
    page.get_by_label("User ID").fill(person.username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_in(page, person, device):
    enter_password(page, person)
    page.get_by_label("Security code").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("heading", name=f"Welcome, {person.first_name}").wait_for()


def move_clock(page, days):
    page.goto("/sandbox/console/")
    page.get_by_label("Move forward by (days)").fill(str(days))
    page.get_by_role("button", name="Move the clock").click()
    page.get_by_text("Daily jobs ran").wait_for()


def set_faults(page, *labels):
    page.goto("/sandbox/console/")
    form = page.locator("form[action='/sandbox/console/faults/']")
    for box in form.locator("input[type=checkbox]").all():
        if box.is_checked():
            form.locator(f"label[for='{box.get_attribute('id')}']").click()
    for label in labels:
        box_id = form.get_by_label(label, exact=True).get_attribute("id")
        form.locator(f"label[for='{box_id}']").click()
    page.get_by_role("button", name="Save faults").click()
    page.get_by_text("Faults saved.").wait_for()


def test_the_clock_expires_a_request_and_makes_an_account_dormant(
    trainer_page, new_page, screenshot
):
    practice = PracticeFactory(legal_business_name="Sunrise Family Medicine LLC", tin="123456789")
    MembershipFactory(organization=practice, role=Role.SECURITY_OFFICIAL)
    staff, staff_device = person_with_app("sam.staff", "Samuel", last_login=timezone.now())
    pending = request_role(user=staff, organization=practice, role=Role.STAFF_USER)

    move_clock(trainer_page, 31)
    trainer_page.locator("#simulated-clock").wait_for()
    screenshot(trainer_page, "trainer-01-clock-moved")
    pending.refresh_from_db()
    assert pending.status == Membership.Status.EXPIRED
    assert (
        SandboxMessage.objects.filter(recipient=staff.email, subject__icontains="expired").exists()
        or AuditEvent.objects.filter(action=AuditEvent.Action.ROLE_EXPIRED).exists()
    )

    person = new_page()
    sign_in(person, staff, staff_device)
    person.goto("/access/")
    person.get_by_text("Simulated date").wait_for()
    assert "Sunrise Family Medicine LLC" not in person.locator("main").inner_text()
    person.get_by_role("button", name="Sign out").click()

    # Sam signed in on the simulated date: 61 more days without a visit is dormancy.
    move_clock(trainer_page, 61)
    enter_password(person, staff)
    person.get_by_text("not used for 60 days").wait_for()
    screenshot(person, "trainer-02-dormant-at-sign-in")
    staff.refresh_from_db()
    assert (staff.is_active, staff.deactivation_reason) == (False, User.DeactivationReason.DORMANT)


def test_a_bureau_outage_keeps_the_person_waiting_without_losing_a_try(
    trainer_page, new_page, screenshot, settings
):
    settings.PROOFING_BACKENDS = [
        "sandbox.proofing.SandboxCreditBureau",
        "proofing.backends.manual.ManualDocumentReview",
    ]
    person = UserFactory(
        username="quinn.parker",
        first_name="Quinn",
        identity_status="unverified",
        identity_verified_at=None,
    )
    set_faults(trainer_page, "Credit bureau unavailable")

    page = new_page()
    enter_password(page, person)
    page.goto("/proofing/")
    page.get_by_role("button", name="Start the questions").click()
    page.get_by_text("identity verification service is unavailable").wait_for()
    screenshot(page, "trainer-03-bureau-outage")
    assert not person.proofing_attempts.exists()

    set_faults(trainer_page)  # all off
    page.goto("/proofing/")
    page.get_by_role("button", name="Start the questions").click()
    page.get_by_role("button", name="Send answers").wait_for()
    assert person.proofing_attempts.count() == 1


def test_a_text_outage_during_sign_in_leaves_the_authenticator_as_the_way_in(
    trainer_page, new_page, screenshot, settings
):
    settings.PHONE_GATEWAY = "sandbox.gateway.SandboxGateway"
    person, app = person_with_app("tina.text", "Tina")
    phone = PhoneDevice.objects.create(
        user=person,
        number="+12025550177",
        method=PhoneDevice.Method.SMS,
        name="sms",
        confirmed=True,
    )
    person.default_device = phone.persistent_id
    person.save(update_fields=["default_device"])
    set_faults(trainer_page, "Text messages fail")

    page = new_page()
    enter_password(page, person)
    page.get_by_role("heading", name="Enter your security code").wait_for()
    page.get_by_role("button", name="Send me a code").click()
    page.get_by_role("heading", name="Enter your security code").wait_for()
    screenshot(page, "trainer-04-sms-outage")
    assert not SandboxMessage.objects.filter(recipient=phone.number).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.MESSAGE_DELIVERY_FAILED).exists()

    page.get_by_role("link", name="Authenticator app").click()
    page.get_by_label("Security code").fill(f"{totp(app.bin_key):06d}")
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("heading", name="Welcome, Tina").wait_for()


def test_the_why_panel_explains_a_refused_group_npi(trainer_page, screenshot):
    practice = PracticeFactory(
        legal_business_name="Bailey & Smith Rural Health Clinic PA",
        tin="447721181",
        group_npi="2493458675",
        group_ptan="L30931",
    )
    gavin = UserFactory(username="gavin.grant", first_name="Gavin", last_name="Grant")
    membership = request_role(user=gavin, organization=practice, role=Role.SECURITY_OFFICIAL)
    validate_first_security_official(
        membership=membership, evidence={"npi": "2493458675", "ptan": "L30931"}
    )

    trainer_page.get_by_label("User ID").fill("gavin.grant")
    trainer_page.get_by_role("button", name="Explain the decisions").click()
    trainer_page.get_by_role(
        "heading", name="Validation try refused (group_identifier)"
    ).first.wait_for()
    text = trainer_page.locator("main").inner_text()
    assert "group NPI or group PTAN is refused" in text
    assert "******8675" in text
    assert "2493458675" not in text
    screenshot(trainer_page, "trainer-05-why-group-npi")


def test_an_access_review_removes_the_member_nobody_confirmed(trainer_page, new_page, screenshot):
    practice = PracticeFactory(legal_business_name="Sunrise Family Medicine LLC", tin="123456789")
    official, official_device = person_with_app("olivia.so", "Olivia", last_name="Ortega")
    MembershipFactory(user=official, organization=practice, role=Role.SECURITY_OFFICIAL)
    kept = UserFactory(username="kim.kept", first_name="Kim", last_name="Kept")
    gone = UserFactory(username="gus.gone", first_name="Gus", last_name="Gone")
    for member in (kept, gone):
        MembershipFactory(user=member, organization=practice, role=Role.STAFF_USER)

    # To the day the yearly review opens (January 15 of the next year).
    trainer_page.goto("/sandbox/console/")
    opens = f"{clock.today().year + 1}-01-15"
    trainer_page.get_by_label("Or set the date").fill(opens)
    trainer_page.get_by_role("button", name="Move the clock").click()
    trainer_page.get_by_text("Daily jobs ran").wait_for()

    page = new_page()
    sign_in(page, official, official_device)
    page.goto(f"/access/organizations/{practice.pk}/access-review/")
    page.get_by_role("heading", name="Yearly access review").wait_for()
    page.get_by_role("button", name="Confirm Kim Kept still needs the role").click()
    page.get_by_text("Confirmed: Kim Kept keeps the role.").wait_for()
    screenshot(page, "trainer-06-access-review-open")

    move_clock(trainer_page, 31)
    page.reload()
    page.get_by_text("Removed").wait_for()
    screenshot(page, "trainer-07-access-review-closed")
    assert Membership.objects.get(user=gone).status == Membership.Status.REVOKED
    assert Membership.objects.get(user=kept).is_active
    assert AccessReviewItem.objects.get(membership__user=gone).removed_at is not None
    assert (
        SandboxMessage.objects.filter(recipient=gone.email).exists()
        or AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_REVIEW_REMOVED).exists()
    )


def add_virtual_authenticator(page):
    """A platform authenticator with a fingerprint already accepted (Chromium DevTools)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    cdp.authenticator_id = added["authenticatorId"]
    return cdp


def _authenticator_id(cdp):
    return cdp.authenticator_id


def test_a_passkey_is_registered_and_then_used_to_sign_in(page, live_server, screenshot, settings):
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    person, app = person_with_app("pia.passkey", "Pia")
    cdp = add_virtual_authenticator(page)

    sign_in(page, person, app)
    page.goto("/two-factor/setup/")
    choose_label = page.get_by_label("Passkey", exact=False).get_attribute("id")
    page.locator(f"label[for='{choose_label}']").click()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Set up a passkey").wait_for()
    screenshot(page, "passkey-01-setup")
    page.get_by_role("button", name="Create a passkey").click()
    page.wait_for_url(lambda url: "/two-factor/setup/passkey" not in url)
    screenshot(page, "passkey-02-registered")
    assert cdp.send("WebAuthn.getCredentials", {"authenticatorId": _authenticator_id(cdp)})[
        "credentials"
    ]
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DEVICE_ADDED, actor=person, detail__device="Passkey"
    ).exists()

    page.get_by_role("button", name="Sign out").click()
    enter_password(page, person)
    page.get_by_role("heading", name="Enter your security code").wait_for()
    page.get_by_role("link", name="Passkey").click()
    page.get_by_role("button", name="Use your passkey").click()
    page.get_by_role("heading", name="Welcome, Pia").wait_for()
    screenshot(page, "passkey-03-signed-in")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CODE_VERIFIED, actor=person).exists()
