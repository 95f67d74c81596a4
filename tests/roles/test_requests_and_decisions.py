"""Later requests: Security Officials are emailed, approve or deny; requesters cancel;
requests expire; Security Officials revoke, but never the last Security Official."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from roles import services
from roles.models import Membership
from tests.factories import UserFactory

from .factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_official(practice, security_official):
    user = UserFactory(username="sue.second", first_name="Sue", last_name="Second")
    MembershipFactory(user=user, organization=practice)
    return user


@pytest.fixture
def pending_request(outsider, practice, security_official):
    return services.request_role(user=outsider, organization=practice, role="staff_user")


def test_staff_user_request_is_pending_and_emails_every_security_official(
    outbox, as_user, outsider, practice, security_official, second_official
):
    client = as_user(outsider)
    page = client.get(reverse("roles:connect_role", args=[practice.pk]))
    assert [value for value, _ in page.context["form"].fields["role"].choices] == [
        "staff_user",
        "security_official",
    ]
    response = client.post(
        reverse("roles:connect_role", args=[practice.pk]), {"role": "staff_user"}
    )
    membership = Membership.objects.get(user=outsider)
    assert response.url == reverse("roles:request_detail", args=[membership.pk])
    assert (membership.status, membership.awaiting) == ("pending", "security_official")
    assert "Request sent" in client.get(response.url).content.decode()
    sent = outbox()
    assert sorted(m.to[0] for m in sent) == sorted(
        [security_official.email, second_official.email]
    )
    link = reverse("roles:organization_access", args=[practice.pk])
    assert all(f"http://testserver{link}" in m.body for m in sent)
    assert AuditEvent.objects.filter(action="roles.requested", subject=outsider).exists()


def test_one_request_per_organization(as_user, outsider, practice, pending_request):
    client = as_user(outsider)
    page = client.get(reverse("roles:connect_role", args=[practice.pk])).content.decode()
    assert "already have a pending request" in page
    response = client.post(
        reverse("roles:connect_role", args=[practice.pk]), {"role": "security_official"}
    )
    assert response.status_code == 200
    assert Membership.objects.filter(user=outsider).count() == 1


def test_security_official_approves_and_the_requester_sees_the_organization(
    outbox, as_user, outsider, practice, security_official, pending_request
):
    client = as_user(security_official)
    access = client.get(reverse("roles:organization_access", args=[practice.pk]))
    assert list(access.context["pending"]) == [pending_request]
    response = client.post(
        reverse("roles:decide", args=[practice.pk, pending_request.pk]),
        {"decision": "approve", "reason": "Welcome aboard"},
    )
    assert response.url == reverse("roles:organization_access", args=[practice.pk])
    pending_request.refresh_from_db()
    assert pending_request.status == "active"
    assert pending_request.decided_by == security_official
    assert outbox()[-1].to == [outsider.email]
    assert "approved" in outbox()[-1].subject and "Welcome aboard" in outbox()[-1].body
    manage = as_user(outsider).get(reverse("roles:manage")).content.decode()
    assert practice.legal_business_name in manage and "Staff User" in manage


def test_security_official_denies_with_a_reason(
    outbox, as_user, outsider, practice, security_official, pending_request
):
    response = as_user(security_official).post(
        reverse("roles:decide", args=[practice.pk, pending_request.pk]),
        {"decision": "deny", "reason": "Not one of our staff"},
    )
    assert response.status_code == 302
    pending_request.refresh_from_db()
    assert pending_request.status == "denied"
    assert pending_request.decision_reason == "Not one of our staff"
    assert "denied" in outbox()[-1].subject and "Not one of our staff" in outbox()[-1].body
    assert AuditEvent.objects.filter(action="roles.denied", actor=security_official).exists()


def test_a_decided_request_cannot_be_decided_again(
    as_user, practice, security_official, pending_request
):
    client = as_user(security_official)
    url = reverse("roles:decide", args=[practice.pk, pending_request.pk])
    client.post(url, {"decision": "deny"})
    client.post(url, {"decision": "approve"})
    pending_request.refresh_from_db()
    assert pending_request.status == "denied"


def test_staff_user_cannot_approve(as_user, practice, staff_user, pending_request):
    response = as_user(staff_user).post(
        reverse("roles:decide", args=[practice.pk, pending_request.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    pending_request.refresh_from_db()
    assert pending_request.status == "pending"


def test_requester_cancels_their_pending_request(as_user, outsider, pending_request):
    client = as_user(outsider)
    assert "Cancel" in client.get(reverse("roles:manage")).content.decode()
    response = client.post(reverse("roles:request_cancel", args=[pending_request.pk]))
    assert response.url == reverse("roles:manage")
    pending_request.refresh_from_db()
    assert pending_request.status == "cancelled"


def test_nobody_cancels_someone_elses_request(as_user, staff_user, pending_request):
    response = as_user(staff_user).post(reverse("roles:request_cancel", args=[pending_request.pk]))
    assert response.status_code == 404
    pending_request.refresh_from_db()
    assert pending_request.status == "pending"


@override_settings(ROLE_REQUEST_EXPIRY_DAYS=7)
def test_pending_requests_expire_after_the_configured_days(
    outbox, outsider, practice, security_official
):
    membership = services.request_role(user=outsider, organization=practice, role="staff_user")
    assert membership.expires_at - membership.requested_at < timedelta(days=7, seconds=5)
    assert services.expire_role_requests(now=timezone.now() + timedelta(days=6)) == 0
    Membership.objects.filter(pk=membership.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    call_command("expire_role_requests")
    membership.refresh_from_db()
    assert membership.status == "expired"
    assert "expired" in outbox()[-1].subject and outbox()[-1].to == [outsider.email]
    assert AuditEvent.objects.filter(action="roles.expired", subject=outsider).exists()


def test_overdue_requests_are_left_out_of_the_lists_without_being_expired_by_a_get(
    as_user, outsider, practice, security_official, pending_request
):
    Membership.objects.filter(pk=pending_request.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    access = as_user(security_official).get(
        reverse("roles:organization_access", args=[practice.pk])
    )
    manage = as_user(outsider).get(reverse("roles:manage"))
    assert list(access.context["pending"]) == []
    assert list(manage.context["pending"]) == []
    pending_request.refresh_from_db()
    assert pending_request.status == "pending"  # the daily job expires it (roles.tasks)
    assert not AuditEvent.objects.filter(action="roles.expired").exists()


def test_an_expired_request_cannot_be_approved(practice, security_official, pending_request):
    Membership.objects.filter(pk=pending_request.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(services.RoleError) as error:
        services.approve_role_request(membership=pending_request, acting_user=security_official)
    assert error.value.code == "expired"


def test_security_official_revokes_a_staff_user_with_a_reason(
    outbox, as_user, practice, security_official, staff_user
):
    member = Membership.objects.get(user=staff_user)
    client = as_user(security_official)
    url = reverse("roles:revoke", args=[practice.pk, member.pk])
    missing = client.post(url, {"reason": "   "})
    assert "Give the reason" in missing.context["form"].errors["reason"][0]
    response = client.post(url, {"reason": "Left the practice"})
    assert response.url == reverse("roles:organization_access", args=[practice.pk])
    member.refresh_from_db()
    assert member.status == "revoked" and member.decision_reason == "Left the practice"
    assert outbox()[-1].to == [staff_user.email] and "removed" in outbox()[-1].subject
    assert (
        as_user(staff_user).get(reverse("roles:organization", args=[practice.pk])).status_code
        == 404
    )


def test_the_last_security_official_cannot_be_revoked_even_by_themselves(
    as_user, practice, security_official
):
    own = Membership.objects.get(user=security_official)
    client = as_user(security_official)
    url = reverse("roles:revoke", args=[practice.pk, own.pk])
    assert "only Security Official" in client.get(url).content.decode()
    response = client.post(url, {"reason": "Leaving"})
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.status == "active"
    with pytest.raises(services.RoleError) as error:
        services.revoke_role(membership=own, acting_user=security_official, reason="Leaving")
    assert error.value.code == "last_security_official"


def test_a_security_official_may_step_down_when_another_remains(
    as_user, practice, security_official, second_official
):
    own = Membership.objects.get(user=security_official)
    response = as_user(security_official).post(
        reverse("roles:revoke", args=[practice.pk, own.pk]), {"reason": "Retiring"}
    )
    assert response.url == reverse("roles:manage")
    own.refresh_from_db()
    assert own.status == "revoked"
    last = Membership.objects.get(user=second_official)
    with pytest.raises(services.RoleError):
        services.revoke_role(membership=last, acting_user=second_official, reason="x")


def test_manage_access_lists_roles_and_pending_requests_in_few_queries(
    as_user, outsider, practice, security_official, django_assert_max_num_queries
):
    from tests.organizations.factories import PracticeFactory

    for _ in range(5):
        MembershipFactory(user=outsider, organization=PracticeFactory(), role="staff_user")
    for _ in range(5):
        other = PracticeFactory()
        MembershipFactory(organization=other)
        services.request_role(user=outsider, organization=other, role="staff_user")
    client = as_user(outsider)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("roles:manage"))
    assert len(response.context["memberships"]) == 5
    assert len(response.context["pending"]) == 5


def test_organization_access_page_lists_members_and_requests_in_few_queries(
    as_user, practice, security_official, django_assert_max_num_queries
):
    for _ in range(8):
        MembershipFactory(organization=practice, role="staff_user")
    for _ in range(8):
        services.request_role(user=UserFactory(), organization=practice, role="staff_user")
    client = as_user(security_official)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("roles:organization_access", args=[practice.pk]))
    assert len(response.context["members"]) == 9
    assert len(response.context["pending"]) == 8
