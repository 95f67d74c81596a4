"""Preview public reporting: who may open it, the window, the figures, flagging one for
review (with hostile input), and the help desk's queue."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEvent
from feedback import public_reporting, services
from feedback.models import PublicReportingFlag
from tests.submissions.factories import MeasurementFactory, MeasurementSetFactory

from .factories import FeedbackReportFactory
from .seed003_matrix import matrix_params, person_with_role

pytestmark = pytest.mark.django_db


def url(organization):
    return reverse("feedback:public_reporting", args=[organization.pk])


@pytest.mark.parametrize(("kind", "role", "allowed"), matrix_params("public_reporting"))
def test_only_the_roles_of_seed_003_open_the_preview(client, sign_in, kind, role, allowed):
    user, organization = person_with_role(kind, role)
    sign_in(client, user)
    assert client.get(url(organization)).status_code == (200 if allowed else 403)


def test_someone_without_a_role_there_gets_404(client, sign_in, outsider, practice):
    sign_in(client, outsider)
    assert client.get(url(practice)).status_code == 404


def test_the_2025_window_opens_and_closes_on_its_dates():
    window = public_reporting.preview_window(2025)
    assert window.is_open(datetime.date(2026, 11, 1))
    assert window.is_open(datetime.date(2026, 11, 30))
    assert not window.is_open(datetime.date(2026, 10, 31))
    assert not window.is_open(datetime.date(2026, 12, 1))


@pytest.fixture
def previewed(practice):
    """2025: the group's feedback and a registry-submitted quality measure for its TIN."""
    FeedbackReportFactory(organization=practice)
    quality_set = MeasurementSetFactory(
        submission__taxpayer_identification_number=practice.tin,
        submission__performance_year=2025,
        category="quality",
        performance_start=datetime.date(2025, 1, 1),
        performance_end=datetime.date(2025, 12, 31),
    )
    MeasurementFactory(
        measurement_set=quality_set,
        measure_id="001",
        value={"performanceMet": 40, "performanceNotMet": 60, "performanceRate": 40.0},
    )
    return practice


def test_the_preview_shows_scores_and_measure_rates(client, sign_in, staff_user, previewed):
    sign_in(client, staff_user)
    content = client.get(url(previewed)).content.decode()
    assert "MIPS final score" in content
    assert "Measure 001" in content and "40.0%" in content
    assert "open until November 30, 2026" in content


def test_a_staff_user_flags_a_figure_and_the_help_desk_closes_it(
    client, sign_in, staff_user, help_desk, previewed, django_capture_on_commit_callbacks
):
    sign_in(client, staff_user)
    response = client.post(
        url(previewed), {"year": "2025", "figure": "measure:001", "reason": "Denominator wrong."}
    )
    assert response.status_code == 302
    flag = PublicReportingFlag.objects.get()
    assert (flag.figure, flag.shown_value, flag.status) == ("measure:001", "40.0%", "open")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PUBLIC_REPORTING_FLAGGED).exists()

    client.logout()
    sign_in(client, help_desk)
    queue = client.get(reverse("feedback:public_reporting_reviews")).content.decode()
    assert previewed.legal_business_name in queue
    review_url = reverse("feedback:public_reporting_review", args=[flag.pk])
    assert client.post(review_url, {"resolution": "   "}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(review_url, {"resolution": "Corrected by the registry."})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.status == "resolved"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [staff_user.email]
    assert "Corrected by the registry." in mail.outbox[0].body


def test_the_queue_is_for_the_help_desk_only(client, sign_in, staff_user):
    sign_in(client, staff_user)
    assert client.get(reverse("feedback:public_reporting_reviews")).status_code == 403


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"figure": "", "reason": "x"}, "figure", "Choose the figure to review."),
        ({"figure": "measure:999", "reason": "x"}, "figure", "Choose a figure from the preview."),
        ({"figure": "final_score", "reason": ""}, "reason", "Say why this figure"),
        ({"figure": "final_score", "reason": "   "}, "reason", "Say why this figure"),
        ({"figure": "final_score", "reason": "a" * 1001}, "reason", "at most 1000"),
        ({"figure": "'; DROP TABLE x;--", "reason": "x"}, "figure", "from the preview"),
        ({"figure": "final_score", "reason": "bad\x00byte"}, "reason", "control characters"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_nothing_is_stored(
    client, sign_in, staff_user, previewed, data, field, message
):
    sign_in(client, staff_user)
    response = client.post(url(previewed), {"year": "2025", **data})
    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    assert not PublicReportingFlag.objects.exists()


def test_hostile_text_is_kept_in_the_form_and_escaped(client, sign_in, staff_user, previewed):
    sign_in(client, staff_user)
    hostile = "<script>alert(1)</script> é 中文 " + "a" * 1000
    response = client.post(
        url(previewed), {"year": "2025", "figure": "final_score", "reason": hostile}
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt; é 中文" in content


def test_a_valid_html_reason_is_stored_as_text_and_shown_escaped(
    client, sign_in, staff_user, previewed
):
    sign_in(client, staff_user)
    client.post(
        url(previewed), {"year": "2025", "figure": "final_score", "reason": "<b>x</b> 中文"}
    )
    assert PublicReportingFlag.objects.get().reason == "<b>x</b> 中文"


def test_no_flag_outside_the_window(today, staff_user, previewed):
    today.set(datetime.date(2026, 12, 1))
    with pytest.raises(Exception, match="closed"):
        services.flag_public_reporting_figure(
            organization=previewed,
            performance_year=2025,
            figure="final_score",
            reason="x",
            acting_user=staff_user,
        )


def test_one_open_request_per_figure(staff_user, previewed):
    kwargs = {
        "organization": previewed,
        "performance_year": 2025,
        "figure": "final_score",
        "reason": "x",
        "acting_user": staff_user,
    }
    services.flag_public_reporting_figure(**kwargs)
    with pytest.raises(Exception, match="already awaits review"):
        services.flag_public_reporting_figure(**kwargs)


def test_the_help_desk_cannot_review_its_own_organization(security_official, previewed):
    flag = services.flag_public_reporting_figure(
        organization=previewed,
        performance_year=2025,
        figure="final_score",
        reason="x",
        acting_user=security_official,
    )
    with pytest.raises(Exception, match="another member"):
        services.resolve_public_reporting_flag(
            flag=flag, resolution="ok", acting_user=security_official
        )
