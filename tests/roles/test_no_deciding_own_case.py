"""Nobody decides a case they are party to: the help desk's own failed-validation request and
its own Security Official role are left to someone else, and the pages do not offer them."""

import pytest
from django.urls import reverse

from roles import services
from roles.capabilities import Role
from roles.models import Membership

from .factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_review_request(help_desk, practice):
    return MembershipFactory(
        user=help_desk,
        organization=practice,
        status=Membership.Status.PENDING,
        awaiting=Membership.Awaiting.HELP_DESK,
        validation_failures=3,
        decided_at=None,
    )


def test_help_desk_cannot_approve_its_own_failed_validation_request(help_desk, own_review_request):
    with pytest.raises(services.RoleError) as raised:
        services.approve_manual_review(membership=own_review_request, help_desk_user=help_desk)
    assert raised.value.code == "own_request"
    own_review_request.refresh_from_db()
    assert own_review_request.in_manual_review


def test_help_desk_cannot_reject_its_own_failed_validation_request(help_desk, own_review_request):
    with pytest.raises(services.RoleError):
        services.reject_manual_review(membership=own_review_request, help_desk_user=help_desk)


def test_own_request_is_not_in_the_queue_and_its_page_is_not_found(
    client, sign_in, help_desk, own_review_request
):
    sign_in(client, help_desk)
    queue = client.get(reverse("roles:help_desk_queue"))
    assert reverse("roles:help_desk_review", args=[own_review_request.pk]) not in (
        queue.content.decode()
    )
    url = reverse("roles:help_desk_review", args=[own_review_request.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "approve", "reason": "mine"}).status_code == 404
    own_review_request.refresh_from_db()
    assert own_review_request.in_manual_review


def test_another_help_desk_member_decides_it(own_review_request, outsider):
    from django.contrib.auth.models import Permission

    outsider.user_permissions.add(Permission.objects.get(codename="help_desk"))
    services.approve_manual_review(membership=own_review_request, help_desk_user=outsider)
    own_review_request.refresh_from_db()
    assert own_review_request.is_active


def test_help_desk_cannot_vacate_its_own_security_official_role(help_desk, practice):
    membership = MembershipFactory(
        user=help_desk, organization=practice, role=Role.SECURITY_OFFICIAL
    )
    with pytest.raises(services.RoleError) as raised:
        services.vacate_security_official(
            membership=membership, help_desk_user=help_desk, caller={}, reason="Leaving."
        )
    assert raised.value.code == "own_request"
