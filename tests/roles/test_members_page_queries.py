"""The members page over HTTP: its queries do not grow with the members, their roles or the
requests waiting, each page lists the next members in order, and an organization read in one
query lists what a large one's counted reads list."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qpp_portal import clock
from roles import views
from roles.capabilities import Role
from roles.models import Membership
from tests.factories import UserFactory
from tests.organizations.factories import EnrolmentFactory

from .factories import MembershipFactory

pytestmark = pytest.mark.django_db


def add_members(practice, count):
    """Add ``count`` active members, the first and every third after it a Clinician billing
    under the practice who brings a pending request along."""
    for index in range(count):
        if index % 3 == 0:
            clinician = EnrolmentFactory(practice=practice).clinician
            MembershipFactory(organization=practice, role=Role.CLINICIAN, clinician=clinician)
            MembershipFactory(organization=practice, role=Role.STAFF_USER, pending=True)
        else:
            MembershipFactory(organization=practice, role=Role.STAFF_USER)


def query_count(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture(autouse=True, params=["read whole", "counted"])
def way_of_reading(request, monkeypatch):
    """Every test here runs twice: with the organization read in one query, as most are,
    and counted with its members read through the index, as a large one is."""
    if request.param == "counted":
        monkeypatch.setattr(views, "MEMBERS_READ_WHOLE", 0)
    return request.param


@pytest.fixture
def members_url(practice):
    return reverse("roles:organization_access", args=[practice.pk])


def test_the_members_page_runs_the_same_queries_for_three_members_or_thirty(
    as_user, practice, security_official, members_url
):
    client = as_user(security_official)
    add_members(practice, 2)
    client.get(members_url)  # the first page after signing in also stores the session's activity
    three = query_count(client, members_url)
    add_members(practice, 27)
    thirty = query_count(client, members_url)
    assert practice.memberships.filter(status="active").count() == 30
    assert three == thirty


def test_a_later_page_runs_the_same_queries_as_the_first(
    as_user, practice, security_official, members_url, monkeypatch
):
    monkeypatch.setattr(views, "MEMBERS_PER_PAGE", 10)
    add_members(practice, 29)
    client = as_user(security_official)
    client.get(members_url)
    assert query_count(client, members_url) == query_count(client, members_url, page=2)


def test_page_two_lists_the_members_after_page_one_in_order(
    as_user, practice, security_official, members_url, monkeypatch
):
    monkeypatch.setattr(views, "MEMBERS_PER_PAGE", 10)
    for number in range(1, 30):
        user = UserFactory(first_name="Pat", last_name=f"Member{number:02d}")
        MembershipFactory(user=user, organization=practice, role=Role.STAFF_USER)
    client = as_user(security_official)
    first = client.get(members_url)
    second = client.get(members_url, {"page": 2})
    assert [m.user.last_name for m in first.context["members"]] == ["Official"] + [
        f"Member{number:02d}" for number in range(1, 10)
    ]
    assert [m.user.last_name for m in second.context["members"]] == [
        f"Member{number:02d}" for number in range(10, 20)
    ]
    page = second.content.decode()
    assert "Pat Member10" in page and "Pat Member19" in page
    assert "Pat Member09" not in page and "Pat Member20" not in page
    assert "30 people; showing 11–20." in page


def test_security_officials_are_listed_before_staff_users_and_clinicians(
    as_user, practice, security_official, members_url
):
    clinician = EnrolmentFactory(practice=practice).clinician
    aaron = UserFactory(first_name="Aaron", last_name="Aardvark")
    MembershipFactory(user=aaron, organization=practice, role=Role.CLINICIAN, clinician=clinician)
    abby = UserFactory(first_name="Abby", last_name="Abbott")
    MembershipFactory(user=abby, organization=practice, role=Role.STAFF_USER)
    response = as_user(security_official).get(members_url)
    assert [m.user for m in response.context["members"]] == [security_official, abby, aaron]


def test_only_the_oldest_fifty_pending_requests_are_listed_with_how_many_wait(
    as_user, practice, security_official, members_url
):
    requests = [
        MembershipFactory(organization=practice, role=Role.STAFF_USER, pending=True)
        for _ in range(51)
    ]
    page = as_user(security_official).get(members_url).content.decode()
    decide = reverse("roles:decide", args=[practice.pk, requests[-1].pk])
    assert "51 requests are waiting; the oldest 50 are shown." in page
    assert page.count("Approve or deny") == 50
    assert decide not in page


def test_exactly_fifty_requests_waiting_are_all_listed_without_saying_more_wait(
    as_user, practice, security_official, members_url
):
    for _ in range(50):
        MembershipFactory(organization=practice, role=Role.STAFF_USER, pending=True)
    page = as_user(security_official).get(members_url).content.decode()
    assert page.count("Approve or deny") == 50
    assert "requests are waiting" not in page


def test_a_request_waiting_for_the_applicant_is_not_listed_as_waiting(
    as_user, practice, security_official, members_url
):
    MembershipFactory(
        organization=practice,
        role=Role.STAFF_USER,
        pending=True,
        awaiting=Membership.Awaiting.VALIDATION,
    )
    page = as_user(security_official).get(members_url).content.decode()
    assert "No requests are waiting." in page


def test_a_request_past_its_expiry_is_neither_listed_nor_counted_as_waiting(
    as_user, practice, security_official, members_url
):
    for _ in range(51):
        MembershipFactory(organization=practice, role=Role.STAFF_USER, pending=True)
    overdue = MembershipFactory(organization=practice, role=Role.STAFF_USER, pending=True)
    overdue.expires_at = clock.now() - timedelta(days=1)
    overdue.save()
    page = as_user(security_official).get(members_url).content.decode()
    assert "51 requests are waiting; the oldest 50 are shown." in page
    assert reverse("roles:decide", args=[practice.pk, overdue.pk]) not in page


def test_a_page_with_no_requests_waiting_reads_no_request_list(
    as_user, practice, security_official, members_url
):
    client = as_user(security_official)
    client.get(members_url)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(members_url).content.decode()
    assert "No requests are waiting." in page
    assert not any('"roles_membership"."requested_at" ASC' in query["sql"] for query in queries)
