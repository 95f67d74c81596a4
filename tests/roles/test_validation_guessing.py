"""First-Security-Official validation cannot be guessed at: failures count per person and
organization across requests (and per organization across people) in a window, a request in
manual review cannot be cancelled, and the validation step is rate limited."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from roles import services
from roles.models import Membership
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WRONG = {"npi": "1234567893", "ptan": "WRONG001"}


def request_and_validate(user, practice, evidence):
    membership = services.request_role(user=user, organization=practice, role="security_official")
    if not membership.needs_validation:
        return membership, None
    outcome = services.validate_first_security_official(membership=membership, evidence=evidence)
    membership.refresh_from_db()
    return membership, outcome


def right(enrolment):
    return {"npi": enrolment.clinician.npi, "ptan": enrolment.ptan}


def test_cancelling_and_requesting_again_brings_back_no_tries(outsider, practice, enrolment):
    membership = services.request_role(
        user=outsider, organization=practice, role="security_official"
    )
    for _ in range(settings.ROLE_MAX_VALIDATION_FAILURES - 1):
        outcome = services.validate_first_security_official(membership=membership, evidence=WRONG)
    assert outcome.tries_left == 1
    services.cancel_role_request(membership=membership, user=outsider)

    again, outcome = request_and_validate(outsider, practice, WRONG)
    assert outcome.sent_to_review
    again.refresh_from_db()
    assert again.in_manual_review


def test_the_right_details_after_tries_ran_out_on_earlier_requests_are_not_granted(
    outsider, practice, enrolment
):
    for _ in range(settings.ROLE_MAX_VALIDATION_FAILURES - 1):
        membership, _ = request_and_validate(outsider, practice, WRONG)
        services.cancel_role_request(membership=membership, user=outsider)
    _, outcome = request_and_validate(outsider, practice, WRONG)
    assert outcome.sent_to_review
    membership = Membership.objects.get(user=outsider, status="pending")
    services.reject_manual_review(
        membership=membership, help_desk_user=_help_desk(), reason="Not verified."
    )

    again, outcome = request_and_validate(outsider, practice, right(enrolment))
    again.refresh_from_db()
    assert not Membership.objects.filter(user=outsider, status="active").exists()
    assert again.in_manual_review


def _help_desk():
    from django.contrib.auth.models import Permission

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="help_desk"))
    return user


def test_failures_older_than_the_window_no_longer_count(outsider, practice, enrolment):
    from datetime import timedelta

    from django.utils import timezone

    from roles.models import ValidationAttempt

    membership, _ = request_and_validate(outsider, practice, WRONG)
    services.validate_first_security_official(membership=membership, evidence=WRONG)
    services.cancel_role_request(membership=membership, user=outsider)
    old = timezone.now() - timedelta(days=settings.ROLE_VALIDATION_FAILURE_WINDOW_DAYS + 1)
    ValidationAttempt.objects.update(created_at=old)

    _, outcome = request_and_validate(outsider, practice, right(enrolment))
    assert outcome.granted


@override_settings(ROLE_MAX_ORGANIZATION_VALIDATION_FAILURES=4)
def test_failures_by_many_people_for_one_organization_send_the_next_to_the_help_desk(
    practice, enrolment
):
    outcomes = [request_and_validate(UserFactory(), practice, WRONG)[1] for _ in range(4)]
    assert [o.sent_to_review for o in outcomes] == [False, False, False, True]

    newcomer = UserFactory()
    membership, outcome = request_and_validate(newcomer, practice, right(enrolment))
    membership.refresh_from_db()
    assert membership.in_manual_review
    assert not Membership.objects.filter(organization=practice, status="active").exists()


def test_a_request_in_manual_review_cannot_be_cancelled(outsider, practice):
    membership = services.request_role(
        user=outsider, organization=practice, role="security_official"
    )
    for _ in range(settings.ROLE_MAX_VALIDATION_FAILURES):
        services.validate_first_security_official(membership=membership, evidence=WRONG)
    membership.refresh_from_db()
    assert membership.in_manual_review
    with pytest.raises(services.RoleError) as raised:
        services.cancel_role_request(membership=membership, user=outsider)
    assert raised.value.code == "in_review"


def test_the_pages_do_not_offer_to_cancel_a_request_in_manual_review(as_user, outsider, practice):
    membership = services.request_role(
        user=outsider, organization=practice, role="security_official"
    )
    for _ in range(settings.ROLE_MAX_VALIDATION_FAILURES):
        services.validate_first_security_official(membership=membership, evidence=WRONG)
    client = as_user(outsider)
    cancel_url = reverse("roles:request_cancel", args=[membership.pk])
    assert cancel_url not in client.get(reverse("roles:manage")).content.decode()
    detail = client.get(reverse("roles:request_detail", args=[membership.pk]))
    assert cancel_url not in detail.content.decode()
    client.post(cancel_url)
    membership.refresh_from_db()
    assert membership.in_manual_review


def test_the_help_desk_hears_of_a_person_who_cancels_after_each_failed_try(
    outsider, practice, help_desk
):
    for _ in range(settings.ROLE_MAX_VALIDATION_FAILURES):
        membership, outcome = request_and_validate(outsider, practice, WRONG)
        if membership.is_pending and not membership.in_manual_review:
            services.cancel_role_request(membership=membership, user=outsider)
    from roles import selectors

    assert selectors.review_queue(help_desk).filter(user=outsider).exists()


def test_validation_page_counts_tries_left_across_requests(as_user, outsider, practice):
    membership, _ = request_and_validate(outsider, practice, WRONG)
    services.cancel_role_request(membership=membership, user=outsider)
    again = services.request_role(user=outsider, organization=practice, role="security_official")
    page = as_user(outsider).get(reverse("roles:request_validate", args=[again.pk]))
    assert page.context["tries_left"] == settings.ROLE_MAX_VALIDATION_FAILURES - 1


def test_validation_step_is_rate_limited(as_user, outsider, practice, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "role_validation": "2/h"}
    settings.ROLE_MAX_VALIDATION_FAILURES = 100
    membership = services.request_role(
        user=outsider, organization=practice, role="security_official"
    )
    client = as_user(outsider)
    url = reverse("roles:request_validate", args=[membership.pk])
    statuses = [client.post(url, WRONG).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_rate_limit_for_validation_is_declared_in_settings():
    assert "role_validation" in settings.RATE_LIMITS
