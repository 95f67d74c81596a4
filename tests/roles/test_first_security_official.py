"""The first Security Official of a practice, an APM Entity or a registry proves the link."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from roles.models import Membership
from tests.organizations.factories import (
    ApmEntityFactory,
    ApmParticipationFactory,
    PracticeFactory,
    RegistryFactory,
)

pytestmark = pytest.mark.django_db


def start_request(client, organization):
    """Ask for Security Official (the only role offered) and return the membership."""
    response = client.post(
        reverse("roles:connect_role", args=[organization.pk]), {"role": "security_official"}
    )
    membership = Membership.objects.get(organization=organization, status="pending")
    assert response.url == reverse("roles:request_validate", args=[membership.pk])
    return membership


def validate(client, membership, **data):
    return client.post(reverse("roles:request_validate", args=[membership.pk]), data)


def test_only_security_official_is_offered_while_the_practice_has_none(
    as_user, outsider, practice
):
    page = as_user(outsider).get(reverse("roles:connect_role", args=[practice.pk]))
    assert page.context["form"].fields["role"].choices == [
        ("security_official", "Security Official")
    ]
    assert "no Security Official yet" in page.content.decode()


def test_staff_user_request_is_blocked_without_a_security_official(as_user, outsider, practice):
    response = as_user(outsider).post(
        reverse("roles:connect_role", args=[practice.pk]), {"role": "staff_user"}
    )
    assert response.status_code == 200
    assert "Choose one of the roles offered" in response.content.decode()
    assert not Membership.objects.filter(user=outsider).exists()


def test_service_refuses_staff_user_while_there_is_no_security_official(outsider, practice):
    from roles import services

    with pytest.raises(services.RoleError) as error:
        services.request_role(user=outsider, organization=practice, role="staff_user")
    assert error.value.code == "no_security_official"


def test_individual_npi_and_ptan_grant_the_role_at_once(
    outbox, as_user, outsider, practice, enrolment
):
    client = as_user(outsider)
    membership = start_request(client, practice)
    response = validate(client, membership, npi=enrolment.clinician.npi, ptan="ada12345")
    assert response.url == reverse("roles:organization", args=[practice.pk])
    membership.refresh_from_db()
    assert membership.status == "active" and membership.decided_by == outsider
    assert [e.to_status for e in membership.events.all()] == ["pending", "active"]
    assert AuditEvent.objects.filter(action="roles.granted", subject=outsider).exists()
    assert outbox()[-1].to == [outsider.email]
    assert "You are a Security Official" in outbox()[-1].subject
    assert client.get(response.url).status_code == 200


def test_group_npi_is_refused_for_first_security_official(as_user, outsider, practice, enrolment):
    client = as_user(outsider)
    membership = start_request(client, practice)
    response = validate(client, membership, npi=practice.group_npi, ptan=practice.group_ptan)
    assert response.status_code == 200
    form = response.context["form"]
    assert "That is a group NPI or group PTAN" in form.errors["npi"][0]
    membership.refresh_from_db()
    assert membership.status == "pending" and membership.validation_failures == 1
    assert "2</strong> tries left" in response.content.decode()
    # What was typed is still there.
    assert f'value="{practice.group_npi}"' in response.content.decode()


def test_three_failures_send_the_request_to_the_help_desk_who_decides_and_emails(
    outbox, as_user, outsider, practice, enrolment, help_desk
):
    client = as_user(outsider)
    membership = start_request(client, practice)
    for _ in range(2):
        response = validate(client, membership, npi=enrolment.clinician.npi, ptan="WRONG123")
        assert response.status_code == 200
        assert "do not match any clinician" in response.content.decode()
    response = validate(client, membership, npi=enrolment.clinician.npi, ptan="WRONG123")
    assert response.url == reverse("roles:request_detail", args=[membership.pk])
    page = client.get(response.url).content.decode()
    assert "Sent to manual review" in page
    membership.refresh_from_db()
    assert (membership.status, membership.awaiting) == ("pending", "help_desk")
    assert "manual review" in outbox()[-1].subject
    # No more tries: the validation page sends the person to the request's page.
    again = validate(client, membership, npi=enrolment.clinician.npi, ptan="ADA12345")
    assert again.url == reverse("roles:request_detail", args=[membership.pk])

    desk = as_user(help_desk)
    queue = desk.get(reverse("roles:help_desk_queue"))
    assert list(queue.context["requests"]) == [membership]
    response = desk.post(
        reverse("roles:help_desk_review", args=[membership.pk]),
        {"decision": "deny", "reason": "Could not confirm employment with the practice."},
    )
    assert response.url == reverse("roles:help_desk_queue")
    membership.refresh_from_db()
    assert membership.status == "denied" and membership.decided_by == help_desk
    assert outbox()[-1].to == [outsider.email]
    assert "rejected" in outbox()[-1].subject
    assert "Could not confirm employment" in outbox()[-1].body
    assert AuditEvent.objects.filter(action="roles.review_rejected", actor=help_desk).exists()


def test_help_desk_may_approve_a_queued_request(outbox, as_user, outsider, practice, help_desk):
    from roles import services

    membership = services.request_role(
        user=outsider, organization=practice, role="security_official"
    )
    for _ in range(3):
        services.validate_first_security_official(
            membership=membership, evidence={"npi": "1234567893", "ptan": "NOPE999"}
        )
    response = as_user(help_desk).post(
        reverse("roles:help_desk_review", args=[membership.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == "active"
    assert "You are a Security Official" in outbox()[-1].subject


def test_someone_else_becoming_security_official_first_turns_the_request_into_an_approval(
    outbox, as_user, outsider, practice, enrolment, security_official
):
    from roles import services

    Membership.objects.filter(user=security_official).delete()
    membership = services.request_role(
        user=outsider, organization=practice, role="security_official"
    )
    from .factories import MembershipFactory

    MembershipFactory(user=security_official, organization=practice)
    outcome = services.validate_first_security_official(
        membership=membership, evidence={"npi": enrolment.clinician.npi, "ptan": "ADA12345"}
    )
    assert outcome.sent_to_officials
    membership.refresh_from_db()
    assert (membership.status, membership.awaiting) == ("pending", "security_official")
    assert outbox()[-1].to == [security_official.email]


@pytest.fixture
def harbor(db):
    """A multi-TIN APM entity with two practices taking part in 2025, one in 2024 only."""
    entity = ApmEntityFactory(entity_id="T43572", is_single_tin=False)
    hopper = PracticeFactory(tin="535765954")
    overland = PracticeFactory(tin="272418370")
    aspen = PracticeFactory(tin="878470892")
    ApmParticipationFactory(entity=entity, practice=hopper, performance_year=2025)
    ApmParticipationFactory(entity=entity, practice=overland, performance_year=2025)
    ApmParticipationFactory(entity=entity, practice=aspen, performance_year=2024)
    return entity


def test_apm_entity_with_two_participating_tins_grants_the_role(as_user, outsider, harbor):
    client = as_user(outsider)
    membership = start_request(client, harbor)
    response = validate(
        client, membership, entity_id=" t43572 ", tin_1="53-5765954", tin_2="272418370"
    )
    assert response.url == reverse("roles:organization", args=[harbor.pk])
    membership.refresh_from_db()
    assert membership.status == "active"


def test_apm_entity_refuses_a_tin_that_took_part_only_in_an_earlier_year(
    as_user, outsider, harbor
):
    client = as_user(outsider)
    membership = start_request(client, harbor)
    response = validate(
        client, membership, entity_id="T43572", tin_1="535765954", tin_2="878470892"
    )
    errors = response.context["form"].errors
    # Beside the second TIN, the one that is wrong; the first one is right.
    assert "performance year 2025" in errors["tin_2"][0]
    assert "tin_1" not in errors and "__all__" not in errors
    membership.refresh_from_db()
    assert membership.validation_failures == 1


def test_apm_entity_tin_error_is_shown_beside_the_first_tin_when_that_one_is_wrong(
    as_user, outsider, harbor
):
    client = as_user(outsider)
    membership = start_request(client, harbor)
    response = validate(
        client, membership, entity_id="T43572", tin_1="878470892", tin_2="272418370"
    )
    assert set(response.context["form"].errors) == {"tin_1"}
    page = response.content.decode()
    assert '<div class="usa-form-group usa-form-group--error" id="id_tin_1_group">' in page
    assert '<span class="usa-error-message" id="id_tin_1_error">This TIN does not' in page
    assert 'href="#id_tin_1">TIN of a participating practice: This TIN does not' in page
    assert 'id="id_tin_2_error"' not in page


def test_apm_entity_tin_error_is_shown_beside_both_tins_when_neither_takes_part(
    as_user, outsider, harbor
):
    client = as_user(outsider)
    membership = start_request(client, harbor)
    response = validate(
        client, membership, entity_id="T43572", tin_1="878470892", tin_2="111111111"
    )
    errors = response.context["form"].errors
    assert set(errors) == {"tin_1", "tin_2"}
    assert all("does not take part" in errors[field][0] for field in errors)
    membership.refresh_from_db()
    assert membership.validation_failures == 1


def test_the_service_says_which_tins_do_not_take_part(outsider, harbor):
    from roles import services

    membership = services.request_role(
        user=outsider, organization=harbor, role="security_official"
    )
    outcome = services.validate_first_security_official(
        membership=membership,
        evidence={"entity_id": "T43572", "tins": ["535765954", "87-8470892"]},
    )
    assert outcome.failure_code == "tin_not_participating"
    assert outcome.wrong_tins == (1,)


def test_apm_entity_refuses_the_same_tin_twice_without_counting_a_try(as_user, outsider, harbor):
    client = as_user(outsider)
    membership = start_request(client, harbor)
    response = validate(
        client, membership, entity_id="T43572", tin_1="535765954", tin_2="535765954"
    )
    assert "two TINs are the same" in response.context["form"].errors["tin_2"][0]
    membership.refresh_from_db()
    assert membership.validation_failures == 0


def test_single_tin_apm_entity_asks_for_one_tin(as_user, outsider):
    entity = ApmEntityFactory(entity_id="A5745", is_single_tin=True)
    lansing = PracticeFactory(tin="388667798")
    ApmParticipationFactory(entity=entity, practice=lansing, performance_year=2025)
    client = as_user(outsider)
    membership = start_request(client, entity)
    page = client.get(reverse("roles:request_validate", args=[membership.pk]))
    assert "tin_2" not in page.context["form"].fields
    response = validate(client, membership, entity_id="A5745", tin_1="38-8667798")
    assert response.url == reverse("roles:organization", args=[entity.pk])


def test_apm_entity_id_mismatch_is_a_failed_try(as_user, outsider, harbor):
    client = as_user(outsider)
    membership = start_request(client, harbor)
    response = validate(
        client, membership, entity_id="T99999", tin_1="535765954", tin_2="272418370"
    )
    assert "does not match this APM Entity" in response.context["form"].errors["entity_id"][0]


def test_registry_is_validated_by_its_registry_id_and_tin(as_user, outsider):
    registry = RegistryFactory(registry_id="Q0001", tin="415027485")
    client = as_user(outsider)
    membership = start_request(client, registry)
    wrong = validate(client, membership, registry_id="Q0001", tin="415027486")
    assert "do not match this registry" in wrong.content.decode()
    response = validate(client, membership, registry_id="q0001", tin="41-5027485")
    assert response.url == reverse("roles:organization", args=[registry.pk])


def test_validation_page_of_another_persons_request_is_not_found(
    as_user, outsider, practice, staff_user
):
    from roles import services

    Membership.objects.filter(organization=practice).delete()
    membership = services.request_role(
        user=outsider, organization=practice, role="security_official"
    )
    response = as_user(staff_user).get(reverse("roles:request_validate", args=[membership.pk]))
    assert response.status_code == 404
