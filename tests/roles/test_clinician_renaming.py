"""The name matched against the participation records is the identity-proofed one: renaming
the profile to a clinician's name grants nothing, and a legal-name change after proofing
means proofing again and ends the Clinician roles that no longer match."""

import pytest
from django.urls import reverse

from accounts import services as account_services
from accounts.models import User
from audit.models import AuditEvent
from roles import services
from roles.models import Membership
from roles.selectors import match_clinician
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EDIT = reverse("accounts:edit_profile")


def edit(client, person, **names):
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "street_address": person.street_address,
        "address_line_2": "",
        "city": person.city,
        "state": person.state,
        "zip_code": person.zip_code,
        **names,
    }
    return client.post(EDIT, data)


def test_renaming_the_profile_to_a_clinicians_name_does_not_connect_as_them(
    as_user, outsider, enrolment
):
    client = as_user(outsider)
    edit(client, outsider, first_name="Ada", last_name="Lovelace")
    outsider.refresh_from_db()
    assert outsider.first_name == "Ada"
    assert match_clinician(outsider).clinician is None
    client.post(reverse("roles:connect_clinician"))
    assert not Membership.objects.filter(user=outsider, role="clinician").exists()
    with pytest.raises(services.RoleError):
        services.connect_as_clinician(user=outsider)


def test_a_legal_name_change_after_proofing_needs_proofing_again(as_user, outsider, outbox):
    client = as_user(outsider)
    response = edit(client, outsider, last_name="Newname")
    assert response.url == reverse("proofing:start")
    outsider.refresh_from_db()
    assert outsider.identity_status == User.IdentityStatus.UNVERIFIED
    assert AuditEvent.objects.filter(
        action="proofing.reproofing_required", actor=outsider
    ).exists()
    assert any("Verify your identity again" in m.subject for m in outbox())
    # Signed in with a second factor or not, only proofing is open now, and by documents.
    assert client.get(reverse("roles:manage")).url == reverse("proofing:start")
    from proofing.selectors import manual_proofing_reason

    assert manual_proofing_reason(outsider) == "name_changed"


def test_a_new_name_is_trusted_once_proofed(outsider, enrolment):
    outsider.first_name, outsider.last_name = "Ada", "Lovelace"
    outsider.identity_status = User.IdentityStatus.UNVERIFIED
    outsider.save()
    account_services.complete_identity_verification(user=outsider, method="manual")
    outsider.refresh_from_db()
    assert (outsider.proofed_first_name, outsider.proofed_last_name) == ("Ada", "Lovelace")
    assert match_clinician(outsider).clinician == enrolment.clinician


def test_changing_only_letter_case_is_no_legal_name_change(as_user, clinician):
    client = as_user(clinician)
    edit(client, clinician, first_name="ADA")
    clinician.refresh_from_db()
    assert clinician.is_identity_verified
    assert Membership.objects.get(user=clinician).is_active


def test_a_legal_name_change_ends_clinician_roles_that_no_longer_match(as_user, clinician, outbox):
    client = as_user(clinician)
    edit(client, clinician, last_name="King")
    membership = Membership.objects.get(user=clinician, role="clinician")
    assert membership.status == Membership.Status.REVOKED
    assert AuditEvent.objects.filter(
        action="roles.clinician_ended", subject=clinician, detail__membership=membership.pk
    ).exists()
    assert any("Clinician role" in m.subject and m.to == [clinician.email] for m in outbox())


def test_renaming_back_does_not_bring_the_roles_back(as_user, clinician):
    client = as_user(clinician)
    edit(client, clinician, last_name="King")
    clinician.refresh_from_db()
    clinician.last_name = "Lovelace"
    clinician.save()
    assert not Membership.objects.filter(user=clinician, status="active").exists()
    with pytest.raises(services.RoleError):
        services.connect_as_clinician(user=clinician)


def test_roles_other_than_clinician_are_kept_through_a_name_change(as_user, security_official):
    client = as_user(security_official)
    edit(client, security_official, last_name="Renamed")
    assert Membership.objects.get(user=security_official).is_active


def test_an_account_never_proofed_matches_nothing(enrolment):
    person = UserFactory(first_name="Ada", last_name="Lovelace", unverified=True)
    assert match_clinician(person).clinician is None
