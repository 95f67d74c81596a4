"""Register for the CMS Web Interface or CAHPS for MIPS: who may, the window, each year's
size rules (worked from the data's sources), the vendor, cancelling, emails, bad input."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from registrations import rules, selectors, services
from registrations.models import SurveyRegistration
from roles.capabilities import Role
from tests.factories import UserFactory
from tests.feedback.conftest import member
from tests.feedback.seed003_matrix import matrix_params, person_with_role
from tests.organizations.factories import (
    ApmEntityFactory,
    ApmParticipationFactory,
    ClinicianFactory,
    EnrolmentFactory,
    PracticeFactory,
)

pytestmark = pytest.mark.django_db
VENDOR = "northwind-survey"


def url(organization):
    return reverse("registrations:registrations", args=[organization.pk])


def practice_of(size, **kwargs):
    practice = PracticeFactory(**kwargs)
    for _ in range(size):
        EnrolmentFactory(practice=practice, clinician=ClinicianFactory())
    return practice


def official_of(organization):
    user = UserFactory()
    member(user, organization, Role.SECURITY_OFFICIAL)
    return user


@pytest.mark.parametrize(("kind", "role", "allowed"), matrix_params("registrations"))
def test_only_security_officials_of_practices_virtual_groups_and_apm_entities(
    client, sign_in, kind, role, allowed
):
    user, organization = person_with_role(kind, role)
    sign_in(client, user)
    assert client.get(url(organization)).status_code == (200 if allowed else 403)


def test_someone_without_a_role_there_gets_404(client, sign_in):
    user, _ = person_with_role("practice", Role.SECURITY_OFFICIAL)
    sign_in(client, user)
    assert client.get(url(PracticeFactory())).status_code == 404


# Size rules per year (registrations/data/registration_years.json): CAHPS for MIPS needs
# 2 or more clinicians every year; the Web Interface 25 or more, for practices, virtual
# groups and APM entities until 2022, for Shared Savings Program ACOs only in 2023-2024,
# and for nobody from 2025.
@pytest.mark.parametrize(
    ("year", "kind", "size", "ok"),
    [
        (2017, "cahps", 1, False),
        (2017, "cahps", 2, True),
        (2017, "web_interface", 24, False),
        (2017, "web_interface", 25, True),
        (2018, "web_interface", 25, True),
        (2019, "web_interface", 25, True),
        (2020, "web_interface", 25, True),
        (2021, "web_interface", 25, True),
        (2022, "web_interface", 24, False),
        (2022, "web_interface", 25, True),
        (2023, "web_interface", 30, False),  # a practice: no longer offered to it
        (2024, "web_interface", 30, False),
        (2025, "web_interface", 30, False),
        (2026, "web_interface", 30, False),
        (2024, "cahps", 2, True),
        (2025, "cahps", 1, False),
        (2026, "cahps", 2, True),
    ],
)
def test_the_size_rule_of_each_year_for_a_practice(year, kind, size, ok):
    practice = practice_of(size)
    assert (selectors.registration_problem(practice, year, kind) == "") is ok


@pytest.mark.parametrize(("year", "ok"), [(2022, True), (2023, True), (2024, True), (2025, False)])
def test_a_shared_savings_aco_of_25_may_use_the_web_interface_through_2024(year, ok):
    entity = ApmEntityFactory(model_type="ssp_aco")
    other = ApmEntityFactory(model_type="ocm")
    for e in (entity, other):
        for _ in range(25):
            ApmParticipationFactory(entity=e, clinician=ClinicianFactory(), performance_year=year)
    assert (selectors.registration_problem(entity, year, "web_interface") == "") is ok
    assert (selectors.registration_problem(other, year, "web_interface") == "") is (year <= 2022)


def test_an_apm_entity_counts_the_years_participating_clinicians():
    entity = ApmEntityFactory()
    ApmParticipationFactory(entity=entity, clinician=ClinicianFactory(), performance_year=2026)
    ApmParticipationFactory(entity=entity, clinician=ClinicianFactory(), performance_year=2025)
    assert selectors.clinician_count(entity, 2026) == 1


def test_every_year_of_the_program_has_rules_and_a_window_in_april_to_june():
    for year in range(2017, 2027):
        figures = rules.registration_year(year)
        assert figures.opens == datetime.date(year, 4, 1)
        assert figures.closes == datetime.date(year, 6, 30)
        assert figures.offers["cahps"].min_clinicians == 2


@pytest.fixture
def practice():
    return practice_of(3, legal_business_name="Riverbend Family Medicine")


@pytest.fixture
def official(practice):
    return official_of(practice)


def test_an_official_registers_for_cahps_with_a_vendor_and_every_official_is_emailed(
    client, sign_in, practice, official, django_capture_on_commit_callbacks
):
    colleague = official_of(practice)
    sign_in(client, official)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(practice), {"kind": "cahps", "vendor": VENDOR})
    assert response.status_code == 302
    registration = SurveyRegistration.objects.get()
    assert (registration.kind, registration.vendor, registration.clinician_count) == (
        "cahps",
        VENDOR,
        3,
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([official.email, colleague.email])
    assert "Northwind Survey Research" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SURVEY_REGISTERED).exists()
    content = client.get(url(practice)).content.decode()
    assert "Registered" in content and "Cancel" in content


def test_cancelling_before_the_window_closes_emails_the_officials(
    client, sign_in, practice, official, django_capture_on_commit_callbacks
):
    registration = services.register(
        organization=practice,
        performance_year=2026,
        kind="cahps",
        vendor=VENDOR,
        acting_user=official,
    )
    sign_in(client, official)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registrations:cancel", args=[practice.pk, registration.pk])
        )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == "cancelled" and registration.cancelled_by == official
    assert len(mail.outbox) == 1 and "cancelled" in mail.outbox[0].subject
    # ...and may register again while the window is open.
    services.register(
        organization=practice,
        performance_year=2026,
        kind="cahps",
        vendor=VENDOR,
        acting_user=official,
    )


def test_no_cancelling_after_the_window_closes(today, practice, official):
    registration = services.register(
        organization=practice,
        performance_year=2026,
        kind="cahps",
        vendor=VENDOR,
        acting_user=official,
    )
    today.set(datetime.date(2026, 7, 1))
    with pytest.raises(ValidationError, match="closed"):
        services.cancel_registration(registration=registration, acting_user=official)


@pytest.mark.parametrize("day", [datetime.date(2026, 3, 31), datetime.date(2026, 7, 1)])
def test_no_registration_outside_the_window(client, sign_in, today, practice, official, day):
    today.set(day)
    with pytest.raises(ValidationError, match="closed"):
        services.register(
            organization=practice,
            performance_year=2026,
            kind="cahps",
            vendor=VENDOR,
            acting_user=official,
        )
    sign_in(client, official)
    content = client.get(url(practice)).content.decode()
    assert "it is closed now" in content and 'name="kind"' not in content


def test_a_practice_of_three_cannot_register_for_the_web_interface(practice, official):
    with pytest.raises(ValidationError, match="not offered"):
        services.register(
            organization=practice,
            performance_year=2026,
            kind="web_interface",
            acting_user=official,
        )


def test_registering_twice_is_refused(practice, official):
    kwargs = {
        "organization": practice,
        "performance_year": 2026,
        "kind": "cahps",
        "vendor": VENDOR,
        "acting_user": official,
    }
    services.register(**kwargs)
    with pytest.raises(ValidationError, match="already registered"):
        services.register(**kwargs)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "kind", "Choose what to register for."),
        ({"kind": "cahps"}, "vendor", "Choose a survey vendor"),
        ({"kind": "cahps", "vendor": "x" * 500}, "vendor", "from the list"),
        ({"kind": "cahps", "vendor": "'; DROP TABLE x;--"}, "vendor", "from the list"),
        ({"kind": "cahps", "vendor": "<script>alert(1)</script>"}, "vendor", "from the list"),
        ({"kind": "cahps", "vendor": "北风"}, "vendor", "from the list"),
        ({"kind": "web_interface"}, "kind", "Choose the CMS Web Interface or the CAHPS"),
        ({"kind": "<b>cahps</b>", "vendor": VENDOR}, "kind", "Choose the CMS Web Interface"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_nothing_is_stored(
    client, sign_in, practice, official, data, field, message
):
    sign_in(client, official)
    response = client.post(url(practice), data)
    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert not SurveyRegistration.objects.exists()


def test_the_chosen_kind_is_kept_when_the_vendor_is_missing(client, sign_in, practice, official):
    sign_in(client, official)
    content = client.post(url(practice), {"kind": "cahps"}).content.decode()
    assert 'value="cahps"' in content and "checked" in content


def test_another_organizations_registration_cannot_be_cancelled(client, sign_in, official):
    other = practice_of(2)
    registration = services.register(
        organization=other,
        performance_year=2026,
        kind="cahps",
        vendor=VENDOR,
        acting_user=official_of(other),
    )
    sign_in(client, official)
    practice = official.memberships.get().organization
    response = client.post(reverse("registrations:cancel", args=[practice.pk, registration.pk]))
    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == "registered"
