"""A person's active role in an organization is read from the shared cache on every page of
it but the first in a while (roles.selectors.active_membership); any change of the role,
its organization or its clinician shows on the very next request."""

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roles import selectors, services
from roles.capabilities import Capability, Role
from roles.models import Membership
from tests.organizations.factories import ClinicianFactory

from .factories import MembershipFactory

pytestmark = pytest.mark.django_db


def membership_reads(client, url):
    """Ask for ``url`` and return how many of its queries read a membership."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return sum('FROM "roles_membership"' in query["sql"] for query in captured)


def organization_page(practice):
    return reverse("roles:organization", args=[practice.pk])


def test_the_organization_s_pages_read_the_role_once_in_a_while(
    client, sign_in, staff_user, practice
):
    sign_in(client, staff_user)
    assert membership_reads(client, organization_page(practice)) == 1
    assert membership_reads(client, organization_page(practice)) == 0
    assert membership_reads(client, reverse("feedback:summary", args=[practice.pk])) == 0


def test_a_revoked_role_is_refused_on_the_next_request(
    client, sign_in, staff_user, security_official, practice
):
    sign_in(client, staff_user)
    assert client.get(organization_page(practice)).status_code == 200
    membership = Membership.objects.get(user=staff_user, organization=practice)
    services.revoke_role(membership=membership, acting_user=security_official, reason="Left")
    assert client.get(organization_page(practice)).status_code == 404


def test_a_role_changed_in_the_database_shows_on_the_next_request(
    client, sign_in, staff_user, practice
):
    sign_in(client, staff_user)
    feedback = reverse("feedback:summary", args=[practice.pk])
    assert client.get(feedback).status_code == 200
    membership = Membership.objects.get(user=staff_user, organization=practice)
    membership.role = Role.CLINICIAN
    membership.clinician = ClinicianFactory()
    membership.save()
    assert selectors.active_membership(staff_user, practice.pk).role == Role.CLINICIAN


def test_a_renamed_organization_shows_on_the_next_request(client, sign_in, staff_user, practice):
    sign_in(client, staff_user)
    client.get(organization_page(practice))
    practice.legal_business_name = "Sunset Family Medicine LLC"
    practice.save()
    assert "Sunset Family Medicine LLC" in client.get(organization_page(practice)).content.decode()


def test_a_deleted_organization_is_gone_on_the_next_request(client, sign_in, staff_user, practice):
    sign_in(client, staff_user)
    url = organization_page(practice)
    client.get(url)
    practice.delete()
    assert client.get(url).status_code == 404


def test_a_renamed_clinician_shows_in_their_cached_role(practice):
    clinician = ClinicianFactory(first_name="Ada")
    membership = MembershipFactory(organization=practice, role=Role.CLINICIAN, clinician=clinician)
    selectors.active_membership(membership.user, practice.pk)
    clinician.first_name = "Augusta"
    clinician.save()
    cached = selectors.active_membership(membership.user, practice.pk)
    assert cached.clinician.first_name == "Augusta"


def test_no_role_is_not_remembered(practice):
    """Someone approved a moment after being refused is let in at once."""
    membership = MembershipFactory(organization=practice, pending=True)
    assert selectors.active_membership(membership.user, practice.pk) is None
    Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.ACTIVE)
    assert selectors.active_membership(membership.user, practice.pk) is not None


def test_a_copy_cached_by_a_request_racing_the_change_is_forgotten_at_commit(
    staff_user, security_official, practice, django_capture_on_commit_callbacks
):
    membership = Membership.objects.get(user=staff_user, organization=practice)
    key = selectors.active_membership_cache_key(staff_user.pk, practice.pk)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.revoke_role(membership=membership, acting_user=security_official, reason="Left")
        # Another request read the role before this commit and cached what it saw.
        cache.set(key, membership)
    assert cache.get(key) is None
    assert selectors.active_membership(staff_user, practice.pk) is None


def test_a_change_of_access_checks_the_role_in_the_database(
    staff_user, security_official, practice
):
    """A Security Official removed a moment ago cannot act on a copy of their role."""
    official = Membership.objects.get(user=security_official, organization=practice)
    selectors.active_membership(security_official, practice.pk)  # cached while active
    Membership.objects.filter(pk=official.pk).update(role=Role.STAFF_USER)
    staff = Membership.objects.get(user=staff_user, organization=practice)
    with pytest.raises(PermissionDenied):
        services.revoke_role(membership=staff, acting_user=security_official, reason="Left")


def test_the_cached_role_answers_the_capability_check_as_the_database_does(staff_user, practice):
    first = selectors.get_membership_for_capability(
        staff_user, practice.pk, Capability.VIEW_PERFORMANCE_FEEDBACK
    )
    again = selectors.get_membership_for_capability(
        staff_user, practice.pk, Capability.VIEW_PERFORMANCE_FEEDBACK
    )
    assert (again.pk, again.role, again.organization.legal_business_name) == (
        first.pk,
        first.role,
        first.organization.legal_business_name,
    )
    with pytest.raises(PermissionDenied):
        selectors.get_membership_for_capability(staff_user, practice.pk, Capability.MANAGE_ACCESS)
