"""The members page: 50 a page, its queries bounded whatever the members."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roles.capabilities import Role
from tests.factories import UserFactory

from .factories import MembershipFactory

pytestmark = pytest.mark.django_db


def add_staff(practice, count):
    for _ in range(count):
        MembershipFactory(user=UserFactory(), organization=practice, role=Role.STAFF_USER)


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries), response


def test_members_are_listed_fifty_a_page(as_user, practice, security_official):
    add_staff(practice, 60)
    client = as_user(security_official)
    url = reverse("roles:organization_access", args=[practice.pk])
    first = client.get(url)
    second = client.get(url, {"page": 2})
    assert len(first.context["members"]) == 50
    assert len(second.context["members"]) == 11  # 60 staff users and the Security Official
    assert first.context["official_count"] == 1


def test_the_members_page_queries_do_not_grow_past_ten_members(
    as_user, practice, security_official
):
    client = as_user(security_official)
    url = reverse("roles:organization_access", args=[practice.pk])
    add_staff(practice, 10)
    client.get(url)  # the first page after signing in also stores the session's activity
    few, _ = queries_for(client, url)
    add_staff(practice, 100)  # past MEMBERS_READ_WHOLE: counted, and read a page at a time
    many, response = queries_for(client, url)
    add_staff(practice, 100)
    more, _ = queries_for(client, url)
    # Counted first either way; then read whole, or a page of members through the index.
    assert few == many == more
    assert b"usa-pagination" in response.content
