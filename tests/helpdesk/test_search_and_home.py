"""The help desk's home lists every queue with its count, and finds people by what a
caller says: name, email, User ID, phone, or organization."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from roles.capabilities import Role
from roles.models import Membership
from tests.roles.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_home_lists_every_queue_with_its_open_cases_longest_waiting_first(
    desk, practice, outsider
):
    membership = MembershipFactory(
        user=outsider,
        organization=practice,
        role=Role.SECURITY_OFFICIAL,
        status=Membership.Status.PENDING,
        awaiting=Membership.Awaiting.HELP_DESK,
    )
    Membership.objects.filter(pk=membership.pk).update(
        requested_at=timezone.now() - timedelta(days=3)
    )
    response = desk.get(reverse("helpdesk:home"))
    queues = response.context["queues"]
    assert [q.name for q in queues][0] == "Failed Security Official validations"
    assert queues[0].count == 1
    assert {q.name for q in queues} == {
        "Manual identity proofing",
        "Bureau reference numbers",
        "Failed Security Official validations",
        "Exception applications",
    }
    html = response.content.decode()
    for name in (
        "roles:help_desk_queue",
        "proofing:review_queue",
        "proofing:review_references",
        "feedback:review_list",
    ):
        assert f'href="{reverse(name)}"' in html


@pytest.mark.parametrize(
    "query",
    [
        "Grace Hopper",
        "hopper",
        "grace@example.com",
        "GRACE.HOPPER",
        "(217) 555-0143",
        "+1 217 555 0143",
        "12-3456789",
        "Sunrise Family",
    ],
)
def test_search_finds_a_person_by_each_thing_a_caller_says(desk, caller, practice, query):
    MembershipFactory(user=caller, organization=practice, role=Role.STAFF_USER)
    response = desk.get(reverse("helpdesk:people"), {"query": query})
    assert caller in list(response.context["page"]), query


@pytest.mark.parametrize("query", ["grace.hop", "555-0143", "12-34567"])
def test_user_ids_phones_and_tins_match_only_in_full(desk, caller, practice, query):
    MembershipFactory(user=caller, organization=practice, role=Role.STAFF_USER)
    response = desk.get(reverse("helpdesk:people"), {"query": query})
    assert caller not in list(response.context["page"]), query


def test_the_search_results_page_takes_few_queries(desk, caller, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        desk.get(reverse("helpdesk:people"), {"query": "hopper"})
