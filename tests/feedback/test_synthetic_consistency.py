"""Synthetic eligibility follows CMS's rule that QP status belongs to the clinician."""

import pytest
from django.core.management import call_command

from feedback.models import ClinicianEligibility, QpStatus

pytestmark = pytest.mark.django_db


def test_a_qualifying_participant_is_excluded_from_mips_under_every_practice():
    call_command("import_reference_data", "organizations/sample_data", verbosity=0)
    call_command("generate_feedback_data", seed=1, verbosity=0)

    qualifying = ClinicianEligibility.objects.filter(qp_status=QpStatus.QUALIFYING)
    assert qualifying.exists()
    for row in qualifying:
        others = ClinicianEligibility.objects.filter(
            clinician=row.clinician, performance_year=row.performance_year
        )
        assert set(others.values_list("qp_status", flat=True)) == {QpStatus.QUALIFYING}
        assert not others.filter(individual_eligible=True).exists()
