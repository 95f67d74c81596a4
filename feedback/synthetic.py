"""Generate realistic synthetic eligibility and performance feedback for the reference data
in the database (practices, virtual groups, APM entities, clinicians, enrolments).

Deterministic for a seed: one ``random.Random``, rows read in a fixed order (TIN, NPI,
APM Entity ID). Fast: rows are built in memory and written with ``bulk_create``.
Replaces all feedback, eligibility and APM incentive rows; leaves exception applications
and opt-in elections (what people filed) alone.
"""

import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from organizations.models import (
    VIRTUAL_GROUPS_FROM,
    ApmParticipation,
    Clinician,
    Enrolment,
    Organization,
)

from . import program, public_cache, reweighting
from .models import (
    ApmIncentivePayment,
    ClinicianEligibility,
    ExceptionApplication,
    FeedbackReport,
    PracticeEligibility,
    QpStatus,
)

BATCH_SIZE = 2000
# Clinician types MIPS did not cover in its first two years (added from 2019 by the CY 2019
# final rule: physical and occupational therapists, clinical psychologists and others).
TYPES_ADDED_IN_2019 = {"Physical Therapist", "Clinical Psychologist", "Occupational Therapist"}
TWO = Decimal("0.01")


def _clinician_type_eligible(specialty, year):
    return year >= 2019 or specialty not in TYPES_ADDED_IN_2019


def _score(rng, skill, spread=12):
    return Decimal(str(max(0.0, min(100.0, rng.gauss(skill, spread))))).quantize(TWO)


def build_report(rng, *, figures, skill, small_practice=False, reweighted=(), **subject):
    """Return an unsaved FeedbackReport for ``subject`` (organization, clinician, level),
    weighted per 42 CFR 414.1380(c) (``feedback.reweighting``); ``reweighted`` are the
    categories of approved exception applications."""
    organization = subject["organization"]
    apm_entity = subject.get("level") == FeedbackReport.Level.APM_ENTITY
    unscored = set(reweighted)
    if small_practice and rng.random() < 0.5:
        unscored.add("promoting_interoperability")  # the automatic small-practice hardship
    if rng.random() < 0.15:
        unscored.add("cost")  # too few cases to attribute
    base = reweighting.category_weights(
        figures.year, apm_entity=apm_entity, model_type=organization.model_type
    )
    scores = {
        name: (_score(rng, skill) if base[name] and name not in unscored else None)
        for name in program.CATEGORIES
    }
    if scores["improvement_activities"] is not None:
        # Improvement Activities come in steps of 20 (medium) or 40 (high) weighted points of 40.
        scores["improvement_activities"] = Decimal(rng.choice([50, 50, 75, 100, 100, 100]))
    return reweighting.scored_report(
        figures.year,
        scores,
        small_practice=small_practice,
        apm_entity=apm_entity,
        model_type=organization.model_type,
        **subject,
    )


@transaction.atomic
def generate_feedback_data(*, seed=1, today=None):
    """Replace the generated rows; return {model name: rows written}."""
    # Seeded synthetic data, not secrets (bandit B311, ruff S311).
    rng = random.Random(seed)  # noqa: S311  # nosec B311
    today = today or program.today()
    years = list(program.program_years().values())
    released = {f.year for f in years if f.feedback_released <= today}

    for model in (FeedbackReport, ClinicianEligibility, PracticeEligibility, ApmIncentivePayment):
        model.objects.all().delete()

    practices = list(Organization.objects.filter(kind=Organization.Kind.PRACTICE).order_by("tin"))
    entities = list(
        Organization.objects.filter(kind=Organization.Kind.APM_ENTITY).order_by("entity_id")
    )
    enrolled = defaultdict(list)
    for enrolment in Enrolment.objects.select_related("clinician").order_by(
        "practice__tin", "clinician__npi"
    ):
        enrolled[enrolment.practice_id].append(enrolment.clinician)
    # (practice, clinician or None, year) -> entity, from the APM participation lists.
    participating = {}
    entity_years = defaultdict(set)
    for row in ApmParticipation.objects.select_related("entity").order_by(
        "entity__entity_id", "performance_year", "practice__tin", "clinician__npi"
    ):
        # The reference data may list a model in years it did not run (CPC+ ended in 2021):
        # such participation earns no QP status and no APM feedback.
        if not program.apm_model_ran(row.entity.model_type, row.performance_year):
            continue
        participating.setdefault((row.clinician_id, row.performance_year), row.entity_id)
        entity_years[row.entity_id].add(row.performance_year)
    clinician_skill = {
        c.pk: rng.uniform(40, 95) for c in Clinician.objects.order_by("npi").only("pk")
    }

    reports, practice_rows, clinician_rows, incentives = [], [], [], []
    incentive_seen = set()
    # QP status and new enrolment belong to the clinician and year, whatever the TIN: a QP
    # is excluded from MIPS under every practice it bills under.
    personal_status = {}
    # Approved exception applications reweight their categories: (organization, clinician
    # or None, year) -> {category}.
    excepted = defaultdict(set)
    for application in ExceptionApplication.objects.filter(
        status=ExceptionApplication.Status.APPROVED
    ):
        excepted[
            (application.organization_id, application.clinician_id, application.performance_year)
        ].update(application.category_labels_keys())
    for practice in practices:
        skill = rng.uniform(45, 95)
        clinicians = enrolled[practice.pk]
        small = len(clinicians) <= 15
        rural = rng.random() < 0.2
        for figures in years:
            if practice.is_virtual_group and figures.year < VIRTUAL_GROUPS_FROM:
                continue
            group_exception = excepted[(practice.pk, None, figures.year)]
            lv = figures.low_volume
            size = max(1, len(clinicians))
            charges = int(rng.lognormvariate(11.3, 0.7) * size)
            beneficiaries = int(rng.lognormvariate(5.4, 0.6) * size)
            services = int(beneficiaries * rng.uniform(1.2, 3.5))
            below = {
                "below_charges": charges <= lv["charges"],
                "below_beneficiaries": beneficiaries <= lv["beneficiaries"],
                "below_services": lv["services"] is not None and services <= lv["services"],
            }
            partial = any(below.values()) and not all(below.values())
            practice_rows.append(
                PracticeEligibility(
                    practice=practice,
                    performance_year=figures.year,
                    allowed_charges=charges,
                    beneficiaries=beneficiaries,
                    services=services,
                    opt_in_eligible=figures.opt_in_available and partial,
                    small_practice=small,
                    rural=rural,
                    **below,
                )
            )
            group_low_volume = any(below.values())
            for clinician in clinicians:
                row = _clinician_eligibility(
                    rng, figures, practice, clinician, participating, personal_status
                )
                row.group_eligible = row.group_eligible and not group_low_volume
                clinician_rows.append(row)
                entity_id = participating.get((clinician.pk, figures.year))
                key = (clinician.pk, figures.year)
                if (
                    row.qp_status == QpStatus.QUALIFYING
                    and figures.apm_incentive_percent > 0
                    and key not in incentive_seen
                ):
                    incentive_seen.add(key)
                    paid = Decimal(str(rng.uniform(40_000, 600_000))).quantize(TWO)
                    incentives.append(
                        ApmIncentivePayment(
                            clinician=clinician,
                            entity_id=entity_id,
                            performance_year=figures.year,
                            percent=figures.apm_incentive_percent,
                            amount=(paid * figures.apm_incentive_percent / 100).quantize(
                                TWO, rounding=ROUND_HALF_UP
                            ),
                        )
                    )
                if figures.year in released and (row.individual_eligible or rng.random() < 0.1):
                    reports.append(
                        build_report(
                            rng,
                            figures=figures,
                            skill=(skill + clinician_skill[clinician.pk]) / 2,
                            small_practice=small,
                            reweighted=group_exception
                            | excepted[(practice.pk, clinician.pk, figures.year)],
                            organization=practice,
                            clinician=clinician,
                            level=FeedbackReport.Level.INDIVIDUAL,
                        )
                    )
            if figures.year in released and (not group_low_volume or practice.is_virtual_group):
                level = (
                    FeedbackReport.Level.VIRTUAL_GROUP
                    if practice.is_virtual_group
                    else FeedbackReport.Level.GROUP
                )
                reports.append(
                    build_report(
                        rng,
                        figures=figures,
                        skill=skill,
                        small_practice=small,
                        reweighted=group_exception,
                        organization=practice,
                        level=level,
                    )
                )
    for entity in entities:
        skill = rng.uniform(60, 98)
        for figures in years:
            if figures.year in released and figures.year in entity_years[entity.pk]:
                reports.append(
                    build_report(
                        rng,
                        figures=figures,
                        skill=skill,
                        reweighted=excepted[(entity.pk, None, figures.year)],
                        organization=entity,
                        level=FeedbackReport.Level.APM_ENTITY,
                    )
                )

    PracticeEligibility.objects.bulk_create(practice_rows, batch_size=BATCH_SIZE)
    ClinicianEligibility.objects.bulk_create(clinician_rows, batch_size=BATCH_SIZE)
    ApmIncentivePayment.objects.bulk_create(incentives, batch_size=BATCH_SIZE)
    FeedbackReport.objects.bulk_create(reports, batch_size=BATCH_SIZE)
    public_cache.start_new_generation()
    return {
        "practice eligibility": len(practice_rows),
        "clinician eligibility": len(clinician_rows),
        "APM incentive payments": len(incentives),
        "feedback reports": len(reports),
    }


def _clinician_eligibility(rng, figures, practice, clinician, participating, personal_status):
    lv = figures.low_volume
    charges = rng.lognormvariate(11.6, 0.9)
    beneficiaries = rng.lognormvariate(5.6, 0.8)
    services = beneficiaries * rng.uniform(1.2, 3.5)
    below = {
        "below_charges": charges <= lv["charges"],
        "below_beneficiaries": beneficiaries <= lv["beneficiaries"],
        "below_services": lv["services"] is not None and services <= lv["services"],
    }
    key = (clinician.pk, figures.year)
    if key not in personal_status:
        qp = QpStatus.NOT_QUALIFYING
        if key in participating:
            qp = rng.choices(
                [QpStatus.QUALIFYING, QpStatus.PARTIAL, QpStatus.NOT_QUALIFYING], [6, 1, 3]
            )[0]
        personal_status[key] = (rng.random() < 0.03, qp)
    newly_enrolled, qp_status = personal_status[key]
    type_ok = _clinician_type_eligible(clinician.specialty, figures.year)
    personal_ok = not newly_enrolled and type_ok and qp_status == QpStatus.NOT_QUALIFYING
    partial = any(below.values()) and not all(below.values())
    return ClinicianEligibility(
        clinician=clinician,
        practice=practice,
        performance_year=figures.year,
        newly_enrolled=newly_enrolled,
        eligible_clinician_type=type_ok,
        qp_status=qp_status,
        individual_eligible=personal_ok and not any(below.values()),
        group_eligible=personal_ok,
        opt_in_eligible=figures.opt_in_available and personal_ok and partial,
        **below,
    )
