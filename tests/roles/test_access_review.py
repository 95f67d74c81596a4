from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from roles import services
from roles.capabilities import Role
from roles.models import AccessReview, AccessReviewItem, Membership
from tests.factories import UserFactory

from .factories import MembershipFactory

pytestmark = pytest.mark.django_db

OPENS = timezone.make_aware(datetime(2027, 1, 15, 9))


@pytest.fixture
def second_staff(practice, security_official):
    user = UserFactory(username="sue.second", first_name="Sue", last_name="Second")
    MembershipFactory(user=user, organization=practice, role=Role.STAFF_USER)
    return user


def test_the_review_opens_on_its_day_and_emails_the_security_officials(
    practice, security_official, staff_user, outbox
):
    assert services.run_access_reviews(now=OPENS - timedelta(days=1)) == 0
    assert not AccessReview.objects.exists()
    services.run_access_reviews(now=OPENS)
    services.run_access_reviews(now=OPENS)  # once a year
    review = AccessReview.objects.get()
    assert review.items.count() == 2
    # The sole Security Official's own role is confirmed at once.
    assert review.items.get(membership__user=security_official).confirmed_at is not None
    assert [m.to for m in outbox() if "access review" in m.subject.lower()] == [
        [security_official.email]
    ]


def test_unconfirmed_members_lose_the_role_at_the_deadline_with_notice(
    practice, security_official, staff_user, second_staff, outbox
):
    review = services.open_access_review(organization=practice, now=OPENS)
    kept = review.items.get(membership__user=second_staff)
    services.confirm_access(item=kept, acting_user=security_official)
    services.run_access_reviews(now=review.deadline - timedelta(days=3))  # the reminder
    assert services.run_access_reviews(now=review.deadline + timedelta(hours=1)) == 1
    assert Membership.objects.get(user=staff_user).status == Membership.Status.REVOKED
    assert Membership.objects.get(user=second_staff).is_active
    assert Membership.objects.get(user=security_official).is_active
    subjects = {(m.to[0], m.subject) for m in outbox()}
    assert any(to == staff_user.email and "was removed" in s for to, s in subjects)
    assert any(to == security_official.email and "closed" in s for to, s in subjects)
    assert any(to == security_official.email and "Reminder" in s for to, s in subjects)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        AuditEvent.Action.ACCESS_REVIEW_OPENED,
        AuditEvent.Action.ACCESS_REVIEW_CONFIRMED,
        AuditEvent.Action.ACCESS_REVIEW_REMOVED,
    } <= actions


def test_a_security_official_cannot_confirm_their_own_role(practice, security_official):
    other = UserFactory()
    MembershipFactory(user=other, organization=practice, role=Role.SECURITY_OFFICIAL)
    review = services.open_access_review(organization=practice, now=OPENS)
    own = review.items.get(membership__user=security_official)
    with pytest.raises(services.RoleError):
        services.confirm_access(item=own, acting_user=security_official)


def test_the_last_security_official_is_never_removed(practice, security_official):
    review = services.open_access_review(organization=practice, now=OPENS)
    AccessReviewItem.objects.filter(review=review).update(confirmed_at=None)
    services.close_access_review(review=review, now=review.deadline)
    assert Membership.objects.get(user=security_official).is_active


def test_the_review_page_is_for_security_officials(
    client, as_user, practice, security_official, staff_user
):
    services.open_access_review(organization=practice, now=timezone.now())
    url = f"/access/organizations/{practice.pk}/access-review/"
    as_user(staff_user)
    assert client.get(url).status_code in {403, 404}
    as_user(security_official)
    page = client.get(url)
    assert page.status_code == 200
    assert "Confirm still needed" in page.text
    item = AccessReviewItem.objects.get(membership__user=staff_user)
    client.post(url, {"item": item.pk})
    item.refresh_from_db()
    assert item.confirmed_by == security_official
