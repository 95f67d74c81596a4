"""The audit log: filters by person, organization, action and dates, pages, and a CSV
export that guards spreadsheet formulas without corrupting numbers."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import record_event
from qpp_portal.spreadsheets import safe_cell

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


@pytest.fixture
def events(caller, outsider, practice):
    old = record_event(action=Action.PASSWORD_CHANGED, actor=caller)
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    return {
        "old": old,
        "caller": record_event(action=Action.SIGN_IN_FAILED, actor=None, subject=caller),
        "outsider": record_event(
            action=Action.ROLE_REQUESTED, actor=outsider, organization=practice.pk
        ),
    }


def listed(response):
    return {event.pk for event in response.context["page"]}


def test_filter_by_person(desk, events):
    response = desk.get(reverse("helpdesk:audit_log"), {"person": "grace.hopper"})
    assert listed(response) == {events["old"].pk, events["caller"].pk}


def test_filter_by_organization_tin_or_name(desk, events):
    for query in ("12-3456789", "Sunrise"):
        response = desk.get(reverse("helpdesk:audit_log"), {"organization": query})
        assert listed(response) == {events["outsider"].pk}, query


def test_filter_by_action(desk, events):
    response = desk.get(reverse("helpdesk:audit_log"), {"action": Action.SIGN_IN_FAILED})
    assert listed(response) == {events["caller"].pk}


def test_filter_by_date_range(desk, events):
    today = timezone.localdate()
    old_day = today - timedelta(days=40)
    response = desk.get(
        reverse("helpdesk:audit_log"),
        {"start": f"{old_day:%m/%d/%Y}", "end": f"{old_day:%m/%d/%Y}"},
    )
    assert listed(response) == {events["old"].pk}


def test_an_end_before_the_start_is_refused_beside_the_field(desk, events):
    response = desk.get(
        reverse("helpdesk:audit_log"), {"start": "05/02/2026", "end": "05/01/2026"}
    )
    assert "before the first" in response.context["form"].errors["end"][0]


def test_the_log_is_paginated(desk, caller):
    for _ in range(55):
        record_event(action=Action.SIGN_IN_FAILED, actor=None, subject=caller)
    response = desk.get(reverse("helpdesk:audit_log"), {"person": "grace.hopper"})
    assert len(response.context["page"]) == 50
    assert response.context["page"].paginator.num_pages == 2


def test_the_csv_export_guards_formulas_and_keeps_negative_numbers(desk, help_desk, caller):
    record_event(action=Action.SIGN_IN_UNLOCKED, actor=help_desk, subject=caller, reason="=1+2")
    record_event(action=Action.SIGN_IN_UNLOCKED, actor=help_desk, subject=caller, reason="-1.630")
    record_event(
        action=Action.SIGN_IN_UNLOCKED, actor=help_desk, subject=caller, reason="@SUM(A1)"
    )
    response = desk.get(reverse("helpdesk:audit_export"), {"person": "grace.hopper"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    reasons = {row[6] for row in rows[1:]}
    assert {"'=1+2", "-1.630", "'@SUM(A1)"} <= reasons
    assert AuditEvent.objects.filter(action=Action.AUDIT_LOG_EXPORTED, actor=help_desk).exists()


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-1.630", "-1.630"),
        ("-12", "-12"),
        ("-1+cmd", "'-1+cmd"),
        ("plain", "plain"),
        (-1.63, -1.63),
        (None, ""),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected
