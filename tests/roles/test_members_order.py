"""The members page's order: roles first, then last name and first name ignoring case, kept
in a copy of the name on each membership that an index serves."""

import importlib

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.urls import reverse

from accounts.services import PROFILE_FIELDS, update_profile
from roles import selectors, services
from roles.capabilities import Role
from roles.models import Membership
from tests.factories import UserFactory
from tests.organizations.factories import EnrolmentFactory
from tests.postgresql_plans import explain_prepared, plan_nodes, prepared_plan

from .factories import MembershipFactory

pytestmark = pytest.mark.django_db

fill_migration = importlib.import_module("roles.migrations.0004_membership_member_sort_name")


@pytest.fixture
def members_url(practice):
    return reverse("roles:organization_access", args=[practice.pk])


def add_staff(practice, *names):
    """Add a Staff User per (first, last) name; return the people."""
    people = [UserFactory(first_name=first, last_name=last) for first, last in names]
    for person in people:
        MembershipFactory(user=person, organization=practice, role=Role.STAFF_USER)
    return people


def listed_names(response):
    return [f"{m.user.first_name} {m.user.last_name}" for m in response.context["members"]]


def test_members_page_lists_each_role_by_last_then_first_name(
    as_user, practice, security_official, members_url
):
    clinician = EnrolmentFactory(practice=practice).clinician
    aaron = UserFactory(first_name="Aaron", last_name="Aardvark")
    MembershipFactory(user=aaron, organization=practice, role=Role.CLINICIAN, clinician=clinician)
    add_staff(
        practice,
        ("Al", "Zed"),
        ("Ann", "Smithe"),
        ("Zoe", "Smith"),
        ("bob", "smith"),
        ("Eve", "Delacroix"),
        ("Maria", "de la Cruz"),
        ("Luis", "De"),
    )
    response = as_user(security_official).get(members_url)
    # A shorter last name comes before the longer ones it begins, whatever the first names.
    assert listed_names(response) == [
        "Sam Official",
        "Luis De",
        "Maria de la Cruz",
        "Eve Delacroix",
        "bob smith",
        "Zoe Smith",
        "Ann Smithe",
        "Al Zed",
        "Aaron Aardvark",
    ]


def test_renamed_member_moves_to_their_new_place_on_the_members_page(
    as_user, practice, security_official, members_url
):
    (adams,) = add_staff(practice, ("Ada", "Adams"))
    add_staff(practice, ("Mia", "Moore"))
    update_profile(
        user=adams,
        data={**{field: getattr(adams, field) for field in PROFILE_FIELDS}, "last_name": "Young"},
    )
    response = as_user(security_official).get(members_url)
    assert listed_names(response) == ["Sam Official", "Mia Moore", "Ada Young"]


def test_member_sort_name_is_set_for_every_new_membership(practice, security_official):
    person = UserFactory(first_name="Grace", last_name="Van Der Berg")
    membership = services.request_role(user=person, organization=practice, role=Role.STAFF_USER)
    membership.refresh_from_db()
    assert membership.member_sort_name == "van der berg\tgrace"


def test_the_migration_fills_the_sort_name_of_every_existing_membership(
    practice, security_official, monkeypatch
):
    add_staff(practice, ("Ann", "Smithe"), ("Zoe", "Smith"), ("Luis", "De"))
    Membership.objects.update(member_sort_name="")
    monkeypatch.setattr(fill_migration, "BATCH", 2)
    fill_migration.fill_member_sort_names(apps, None)
    assert sorted(Membership.objects.values_list("member_sort_name", flat=True)) == [
        "de\tluis",
        "official\tsam",
        "smith\tzoe",
        "smithe\tann",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's plan")
def test_a_members_page_takes_its_members_in_order_from_the_member_order_index(
    practice, security_official
):
    add_staff(practice, *((f"Pat{number}", f"Member{number}") for number in range(60)))
    sql, params = (
        selectors.organization_members(practice).page_query(slice(50, 100)).query.sql_with_params()
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # Too few rows for the planner to prefer the index by cost alone; with reading the
        # table and sorting priced out, it takes the index if the index gives the order.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0][0]["Plan"]
    # Sorted rows would sit between the Limit and the scan; only the page's own 50 are.
    assert [
        parent["Node Type"]
        for node, parent in plan_nodes(plan)
        if node.get("Index Name") == "roles_membership_member_order"
    ] == ["Limit"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's plan")
def test_a_members_page_prepared_for_any_organization_reads_its_members_in_order_from_the_index(
    practice, security_official
):
    # The role's rank was worked out in the query: prepared, its numbers were parameters no
    # index matches, and every page sorted all the organization's members.
    add_staff(practice, *((f"Pat{number}", f"Member{number}") for number in range(60)))
    plan = prepared_plan(selectors.organization_members(practice).page_query(slice(50, 100)))
    assert [
        parent["Node Type"]
        for node, parent in plan_nodes(plan)
        if node.get("Index Name") == "roles_membership_member_order"
    ] == ["Limit"]
    assert not [node for node, _parent in plan_nodes(plan) if node["Node Type"] == "Sort"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's plan")
def test_the_oldest_requests_prepared_for_any_organization_are_read_in_order_from_the_index(
    practice, security_official
):
    for _number in range(60):
        MembershipFactory(organization=practice, role=Role.STAFF_USER, pending=True)
    plan = prepared_plan(selectors.organization_pending_requests(practice)[:50])
    assert "roles_membership_requests" in [
        node.get("Index Name") for node, _parent in plan_nodes(plan)
    ]
    assert not [node for node, _parent in plan_nodes(plan) if node["Node Type"] == "Sort"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's plan")
def test_the_members_are_counted_from_an_index_alone_prepared_for_any_organization(
    practice, security_official
):
    # Counting ids read every open membership's row as well: 8 ms at 10,000 members.
    add_staff(practice, *((f"Pat{number}", f"Member{number}") for number in range(60)))
    # Every way of reading the rows but from an index alone priced out: the few rows of a
    # test database, vacuumed or not, would otherwise decide the plan by cost.
    rows = explain_prepared(
        selectors.organization_members(practice).counts_query(),
        planner=[(f"enable_{method}", "off") for method in ("seqscan", "indexscan", "bitmapscan")],
    )
    plan = rows[0][0][0]["Plan"]
    scans = [
        node["Node Type"] for node, _parent in plan_nodes(plan) if "Scan" in node["Node Type"]
    ]
    assert scans == ["Index Only Scan"]


@pytest.mark.parametrize("role", Role.values)
def test_a_membership_ranks_its_role_in_the_roles_declared_order(practice, role):
    kwargs = (
        {"clinician": EnrolmentFactory(practice=practice).clinician}
        if role == Role.CLINICIAN
        else {}
    )
    membership = MembershipFactory(organization=practice, role=role, **kwargs)
    membership.refresh_from_db()
    assert membership.role_rank == Role.values.index(role)


def test_a_changed_role_moves_to_its_new_rank(practice):
    membership = MembershipFactory(organization=practice, role=Role.STAFF_USER)
    membership.role = Role.SECURITY_OFFICIAL
    membership.save()
    membership.refresh_from_db()
    assert membership.role_rank == 0
