"""Hostile input in every roles form: markup, SQL, odd Unicode and too-long values get a
message beside the field, and what was typed is shown back (escaped), not lost."""

import html

import pytest
from django.urls import reverse

from roles import services
from roles.models import Membership

from .test_help_desk import caller_details

pytestmark = pytest.mark.django_db

HOSTILE = {
    "html": '<script>alert("x")</script>',
    "sql": "1' OR '1'='1'; DROP TABLE roles_membership; --",
    "unicode": "１２３４５６７８９３\u202e",
    "too_long": "9" * 1100,
}


def assert_error_beside(response, field, value):
    body = response.content.decode()
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert f'id="id_{field}_error"' in body
    assert "<script>alert" not in body
    if value and len(value) <= 60:
        assert html.escape(value) in body  # what was typed is still there


@pytest.fixture
def validating(outsider, practice):
    return services.request_role(user=outsider, organization=practice, role="security_official")


@pytest.mark.parametrize("kind", HOSTILE)
@pytest.mark.parametrize("field", ["npi", "ptan"])
def test_practice_validation_form(as_user, outsider, validating, kind, field):
    data = {"npi": "1234567893", "ptan": "ADA12345", field: HOSTILE[kind]}
    response = as_user(outsider).post(
        reverse("roles:request_validate", args=[validating.pk]), data
    )
    assert_error_beside(response, field, HOSTILE[kind])
    validating.refresh_from_db()
    assert validating.validation_failures == 0  # a malformed value is not a try


@pytest.mark.parametrize("kind", HOSTILE)
@pytest.mark.parametrize("field", ["entity_id", "tin_1", "tin_2"])
def test_apm_entity_validation_form(as_user, outsider, kind, field):
    from tests.organizations.factories import ApmEntityFactory

    entity = ApmEntityFactory()
    membership = services.request_role(
        user=outsider, organization=entity, role="security_official"
    )
    data = {"entity_id": "A0001", "tin_1": "123456789", "tin_2": "223456789", field: HOSTILE[kind]}
    response = as_user(outsider).post(
        reverse("roles:request_validate", args=[membership.pk]), data
    )
    assert_error_beside(response, field, HOSTILE[kind])


@pytest.mark.parametrize("kind", HOSTILE)
@pytest.mark.parametrize("field", ["registry_id", "tin"])
def test_registry_validation_form(as_user, outsider, kind, field):
    from tests.organizations.factories import RegistryFactory

    registry = RegistryFactory()
    membership = services.request_role(
        user=outsider, organization=registry, role="security_official"
    )
    data = {"registry_id": "Q0001", "tin": "123456789", field: HOSTILE[kind]}
    response = as_user(outsider).post(
        reverse("roles:request_validate", args=[membership.pk]), data
    )
    assert_error_beside(response, field, HOSTILE[kind])


@pytest.mark.parametrize("value", [HOSTILE["html"], "x" * 1001, "Left\u200b"])
def test_decision_reason(as_user, outsider, practice, security_official, value):
    membership = services.request_role(user=outsider, organization=practice, role="staff_user")
    response = as_user(security_official).post(
        reverse("roles:decide", args=[practice.pk, membership.pk]),
        {"decision": "deny", "reason": value},
    )
    assert_error_beside(response, "reason", value)
    assert response.context["form"]["decision"].value() == "deny"
    membership.refresh_from_db()
    assert membership.status == "pending"


def test_decision_reason_may_be_unicode_and_sql_like_text(
    outbox, as_user, outsider, practice, security_official
):
    membership = services.request_role(user=outsider, organization=practice, role="staff_user")
    reason = "Nicht bei uns angestellt – ' OR 1=1; -- 漢字"
    as_user(security_official).post(
        reverse("roles:decide", args=[practice.pk, membership.pk]),
        {"decision": "deny", "reason": reason},
    )
    membership.refresh_from_db()
    assert membership.decision_reason == reason
    assert reason in outbox()[-1].body


@pytest.mark.parametrize("value", [HOSTILE["html"], "x" * 1001])
def test_revoke_reason(as_user, practice, security_official, staff_user, value):
    member = Membership.objects.get(user=staff_user)
    response = as_user(security_official).post(
        reverse("roles:revoke", args=[practice.pk, member.pk]), {"reason": value}
    )
    assert_error_beside(response, "reason", value)


@pytest.mark.parametrize("value", ["<b>", "x" * 31, "12345"])
def test_role_choice_and_connect_type_and_search(as_user, outsider, practice, value):
    client = as_user(outsider)
    response = client.post(reverse("roles:connect_role", args=[practice.pk]), {"role": value})
    assert_error_beside(response, "role", "")  # a radio shows the offered choices again
    response = client.post(reverse("roles:connect"), {"kind": value})
    assert_error_beside(response, "kind", "")
    response = client.get(reverse("roles:connect_find", args=["practice"]), {"query": value + "<"})
    if value == "12345":
        assert "full 9-digit TIN" in response.content.decode()


@pytest.mark.parametrize("kind", HOSTILE)
@pytest.mark.parametrize(
    "field",
    ["first_name", "email", "phone", "company_name", "zip_code", "tin", "npi", "ptan", "reason"],
)
def test_caller_verification_form(
    as_user, help_desk, practice, enrolment, security_official, kind, field
):
    official = Membership.objects.get(user=security_official)
    data = {**caller_details(practice, enrolment), "official": official.pk, field: HOSTILE[kind]}
    if field == "reason" and kind == "sql":
        pytest.skip("SQL-looking text is a valid plain-text reason")
    response = as_user(help_desk).post(
        reverse("roles:help_desk_organization", args=[practice.pk]), data
    )
    assert_error_beside(response, field, HOSTILE[kind])
    # Everything else typed is still there.
    assert 'value="Springfield"' in response.content.decode()
    official.refresh_from_db()
    assert official.status == "active"


@pytest.mark.parametrize("kind", HOSTILE)
def test_help_desk_search(as_user, help_desk, kind):
    response = as_user(help_desk).get(reverse("roles:help_desk"), {"query": HOSTILE[kind]})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in body
