"""Reads for feedback pages, with what each role may see.

Access to an organization is checked by ``roles.selectors.get_membership_for_capability``
alone; what is read here then narrows to the membership: a Clinician membership sees only
rows of its own clinician.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.http import Http404

from accounts.selectors import is_help_desk
from organizations.models import ApmParticipation, Clinician, Enrolment, Organization
from qpp_portal import generations
from roles.capabilities import Role

from . import program, public_cache, reweighting
from .models import (
    CATEGORY_FIELDS,
    ApmIncentivePayment,
    ClinicianEligibility,
    ExceptionApplication,
    FeedbackReport,
    OptInElection,
    PracticeEligibility,
    PublicReportingFlag,
)

CENTS = Decimal("0.01")
# Bounds the memory of an organization's entities with submitted data in the shared cache;
# a change of that data starts a new generation, read afresh at once.
ENTITIES_WITH_DATA_CACHE_SECONDS = 600


def is_clinician_view(membership):
    return membership.role == Role.CLINICIAN


def organization_level(organization):
    if organization.kind == Organization.Kind.APM_ENTITY:
        return FeedbackReport.Level.APM_ENTITY
    if organization.is_virtual_group:
        return FeedbackReport.Level.VIRTUAL_GROUP
    return FeedbackReport.Level.GROUP


def _is_practice_group(organization):
    """Whether ``organization`` is a practice reporting under its own TIN: its clinicians
    report individually or as its group (a virtual group's reports are its own)."""
    return organization.kind == Organization.Kind.PRACTICE and not organization.is_virtual_group


def _clinician_belongs(membership):
    """Answer whether the membership's clinician takes part in its organization: enrolled
    under the practice (or virtual group), or a participant of the APM entity."""
    organization = membership.organization
    if organization.kind == Organization.Kind.APM_ENTITY:
        return ApmParticipation.objects.filter(
            entity=organization, clinician=membership.clinician
        ).exists()
    return Enrolment.objects.filter(practice=organization, clinician=membership.clinician).exists()


@dataclass(frozen=True)
class FeedbackScope:
    """What of its organization's feedback a membership may see, read once per page:
    the released years with CMS's reports it may see (``reported``), the entities with
    submitted data it may see by year (``submitted``: ``(year, npi)`` pairs, ``npi`` None
    for the organization's own entity) and, for a Clinician, whether they take part in the
    organization (``belongs``)."""

    membership: object
    belongs: bool
    reported: frozenset
    submitted: frozenset

    @property
    def years(self):
        """Return the performance years with feedback, newest first: the released years
        with CMS's reports, and the years with submitted data (feedback computed from them,
        during the submission window too)."""
        return sorted(self.reported | {year for year, _npi in self.submitted}, reverse=True)


def feedback_scope(membership):
    """Return the FeedbackScope of ``membership``."""
    belongs = is_clinician_view(membership) and _clinician_belongs(membership)
    return FeedbackScope(
        membership=membership,
        belongs=belongs,
        reported=_reported_years(membership, belongs),
        submitted=_submitted_entities(membership, belongs),
    )


def _reported_years(membership, belongs):
    years = _cms_report_years(membership.organization)
    if not is_clinician_view(membership):
        return frozenset(years)
    if _is_practice_group(membership.organization):
        # Their individual report, and the group's that applies to them (issue 14).
        whose = {membership.clinician_id, None} if belongs else {membership.clinician_id}
    elif belongs:
        whose = {None}
    else:
        return frozenset()
    return frozenset(year for year, clinicians in years.items() if clinicians & whose)


def _cms_report_years(organization):
    """Return, for each released year with CMS's reports of ``organization``, the ids of
    the clinicians with one (None: the organization's own), kept in the shared cache with
    CMS's data (feedback.public_cache)."""
    released = program.released_years()

    def read():
        rows = (
            FeedbackReport.objects.filter(organization=organization, performance_year__in=released)
            # No ordering: the default one joins the clinicians for nothing here.
            .order_by()
            .values_list("performance_year", "clinician_id")
            .distinct()
        )
        years = {}
        for year, clinician_id in rows:
            years.setdefault(year, set()).add(clinician_id)
        return {year: frozenset(clinicians) for year, clinicians in years.items()}

    released_key = ",".join(map(str, released))
    return public_cache.cached_answer(
        "cms-report-years", f"{organization.pk}:{released_key}", read
    )


def get_clinician_report(membership, npi, year):
    """Return the individual report of ``npi`` in the membership's organization for ``year``;
    raise Http404 if there is none or a Clinician asks for anyone but themselves."""
    if is_clinician_view(membership) and membership.clinician.npi != npi:
        raise Http404("No such clinician among yours.")
    report = (
        FeedbackReport.objects.filter(
            organization=membership.organization,
            performance_year=year,
            level=FeedbackReport.Level.INDIVIDUAL,
            clinician__npi=npi,
            performance_year__in=program.released_years(),
        )
        .select_related("clinician")
        .first()
    )
    if report is None:
        raise Http404("No feedback for this clinician and year.")
    return report


def eligibility_rows(membership, year):
    """Return the clinicians' eligibility the membership may see for ``year``: a practice's
    clinicians, an APM entity's participants, or a Clinician's own rows only."""
    organization = membership.organization
    rows = ClinicianEligibility.objects.filter(performance_year=year).select_related(
        "clinician", "practice"
    )
    if organization.kind == Organization.Kind.APM_ENTITY:
        participants = ApmParticipation.objects.filter(
            entity=organization, performance_year=year, clinician__isnull=False
        )
        rows = rows.filter(
            clinician__in=participants.values("clinician"),
            practice__in=participants.values("practice"),
        )
    else:
        rows = rows.filter(practice=organization)
    if is_clinician_view(membership):
        rows = rows.filter(clinician=membership.clinician)
    return rows.order_by("clinician__last_name", "clinician__first_name", "clinician__npi")


def practice_eligibility(organization, year):
    return PracticeEligibility.objects.filter(practice=organization, performance_year=year).first()


def apm_incentives(membership, year):
    rows = ApmIncentivePayment.objects.filter(performance_year=year).select_related("clinician")
    organization = membership.organization
    if organization.kind == Organization.Kind.APM_ENTITY:
        rows = rows.filter(entity=organization)
    else:
        rows = rows.filter(clinician__enrolments__practice=organization)
    if is_clinician_view(membership):
        rows = rows.filter(clinician=membership.clinician)
    return rows.order_by("clinician__last_name", "clinician__npi")


def exception_applications(organization):
    return ExceptionApplication.objects.filter(organization=organization).select_related(
        "clinician", "filed_by"
    )


def get_exception_application(organization, pk):
    """Return the organization's application ``pk``; Http404 for another organization's."""
    application = exception_applications(organization).filter(pk=pk).first()
    if application is None:
        raise Http404("No such exception application.")
    return application


def applications_awaiting_review(user=None):
    """Return the submitted applications; for ``user``, leave out those they filed or whose
    organization they hold a role in (somebody else decides those)."""
    applications = ExceptionApplication.objects.filter(
        status=ExceptionApplication.Status.SUBMITTED
    ).select_related("organization", "clinician", "filed_by")
    if user is not None:
        applications = applications.exclude(filed_by=user).exclude(
            organization__memberships__user=user, organization__memberships__status="active"
        )
    return applications


def opt_in_candidates(practice, year):
    """Return (group eligibility or None, [clinician eligibility rows]) of those who may opt
    in for ``year`` under ``practice``, each with its election if made (``.election``)."""
    elections = {
        e.clinician_id: e
        for e in OptInElection.objects.filter(practice=practice, performance_year=year)
    }
    group = PracticeEligibility.objects.filter(
        practice=practice, performance_year=year, opt_in_eligible=True
    ).first()
    if group is not None:
        group.election = elections.get(None)
    rows = list(
        ClinicianEligibility.objects.filter(
            practice=practice, performance_year=year, opt_in_eligible=True
        )
        .select_related("clinician")
        .order_by("clinician__last_name", "clinician__npi")
    )
    for row in rows:
        row.election = elections.get(row.clinician_id)
    return group, rows


def participation_for_npi(npi, year):
    """Return (clinician, [eligibility rows for ``year`` with practice], {practice id:
    [(entity, qp)]}, {practice id: election}) for the public lookup; raise
    Clinician.DoesNotExist for an unknown NPI."""
    clinician = Clinician.objects.get(npi=npi)
    rows = list(
        ClinicianEligibility.objects.filter(clinician=clinician, performance_year=year)
        .select_related("practice")
        .order_by("practice__legal_business_name", "practice__tin")
    )
    apms = {}
    for participation in ApmParticipation.objects.filter(
        clinician=clinician, performance_year=year
    ).select_related("entity"):
        apms.setdefault(participation.practice_id, []).append(participation.entity)
    elections = {
        e.practice_id: e
        for e in OptInElection.objects.filter(clinician=clinician, performance_year=year)
    }
    return clinician, rows, apms, elections


def require_help_desk(user):
    """Raise PermissionDenied unless ``user`` acts for the help desk."""
    from django.core.exceptions import PermissionDenied

    if not is_help_desk(user):
        raise PermissionDenied("Help desk only.")


def get_application_for_review(user, pk):
    require_help_desk(user)
    application = (
        ExceptionApplication.objects.filter(pk=pk)
        .select_related("organization", "clinician", "filed_by", "decided_by")
        .first()
    )
    if application is None:
        raise Http404("No such exception application.")
    return application


# --- Public reporting preview -----------------------------------------------------------


@dataclass(frozen=True)
class PreviewFigure:
    """One figure Care Compare would publish: ``key`` names it in a review request."""

    key: str
    label: str
    value: str
    source: str


def public_reporting_figures(organization, year):
    """Return the figures Care Compare would publish for ``organization`` (a practice as a
    group, a virtual group or an APM entity) for ``year``: the final score and category
    scores of its own feedback (computed from its submitted data where it has any, see
    ``submitted_feedback``), and the performance rate of each quality measure it
    (or a registry for it) submitted."""
    figures = []
    report = FeedbackReport.objects.filter(
        organization=organization,
        performance_year=year,
        level=organization_level(organization),
        clinician__isnull=True,
    ).first()
    # Where the year has submitted data, the feedback computed from it is what is published.
    computed = submitted_feedback(organization, year, cms_report=report)
    if computed is not None:
        report = computed.report
    if report is not None:
        figures.append(
            PreviewFigure("final_score", "MIPS final score", f"{report.final_score}", "feedback")
        )
        for name, (label, score, _weight) in zip(
            CATEGORY_FIELDS, report.categories(), strict=True
        ):
            if score is not None:
                figures.append(
                    PreviewFigure(name, f"{label} category score", f"{score}", "feedback")
                )
    from submissions import catalogue
    from submissions import selectors as submission_selectors
    from submissions.models import EntityType

    filters = {"performance_year": year}
    if _is_practice_group(organization):
        filters["entity_type"] = EntityType.GROUP
    seen = set()
    for submission in submission_selectors.submissions_visible_to(organization, **filters):
        for measurement_set in submission.visible_sets:
            if measurement_set.category != catalogue.Category.QUALITY:
                continue
            for measurement in measurement_set.measurements.all():
                key = f"measure:{measurement.measure_id}"
                rate = (measurement.value or {}).get("performanceRate")
                if key in seen or rate is None:
                    continue
                seen.add(key)
                measure = catalogue.measure(year, measurement.measure_id)
                title = measure.title if measure else "Quality measure"
                figures.append(
                    PreviewFigure(
                        key,
                        f"Measure {measurement.measure_id}: {title}",
                        f"{rate}%",
                        "submitted data",
                    )
                )
    return figures


def public_reporting_flags(organization, year=None):
    flags = PublicReportingFlag.objects.filter(organization=organization).select_related(
        "flagged_by"
    )
    if year is not None:
        flags = flags.filter(performance_year=year)
    return flags


def open_public_reporting_flags():
    """Help desk: the review requests not yet closed, oldest first."""
    return (
        PublicReportingFlag.objects.filter(status=PublicReportingFlag.Status.OPEN)
        .select_related("organization", "flagged_by")
        .order_by("flagged_at", "id")
    )


def get_public_reporting_flag_for_review(user, pk):
    require_help_desk(user)
    flag = PublicReportingFlag.objects.filter(pk=pk).select_related("organization").first()
    if flag is None:
        raise Http404("No such review request.")
    return flag


# --- Registries' clients --------------------------------------------------------------------


def registry_clients(registry):
    """Return the practices a registry submits data for (CMS: "the clients of a registry are
    those it submits data for"): those whose TIN is on a submission holding a measurement
    set the registry submitted."""
    from submissions.models import Submission

    tins = Submission.objects.filter(measurement_sets__submitter=registry).values(
        "taxpayer_identification_number"
    )
    return Organization.objects.filter(kind=Organization.Kind.PRACTICE, tin__in=tins).order_by(
        "legal_business_name", "tin"
    )


def get_registry_client(registry, client_id):
    """Return the registry's client practice ``client_id``; Http404 for any other."""
    try:
        client_id = int(client_id)
    except (TypeError, ValueError):
        raise Http404("No such client.") from None
    client = registry_clients(registry).filter(pk=client_id).first()
    if client is None:
        raise Http404("No such client.")
    return client


# --- APM participants --------------------------------------------------------------------------


def apm_participation_years(entity):
    return sorted(
        set(
            ApmParticipation.objects.filter(entity=entity).values_list(
                "performance_year", flat=True
            )
        ),
        reverse=True,
    )


def apm_participants(entity, year, query=""):
    """Return (tins, clinicians) of the APM entity for ``year``: each participating TIN's
    participation row, and each participating clinician's row with ``.eligibility`` (their
    ClinicianEligibility under that TIN, or None). ``query`` narrows to a name, NPI or the
    last digits of a TIN."""
    rows = ApmParticipation.objects.filter(entity=entity, performance_year=year).select_related(
        "practice", "clinician"
    )
    query = (query or "").strip()
    if query:
        match = (
            Q(practice__legal_business_name__icontains=query)
            | Q(clinician__first_name__icontains=query)
            | Q(clinician__last_name__icontains=query)
        )
        if query.isdigit():
            match |= Q(clinician__npi=query) | Q(practice__tin__endswith=query)
        rows = rows.filter(match)
    tins = [r for r in rows if r.clinician_id is None]
    clinicians = [r for r in rows if r.clinician_id is not None]
    eligibility = {
        (e.clinician_id, e.practice_id): e
        for e in ClinicianEligibility.objects.filter(
            performance_year=year, clinician__in=[r.clinician_id for r in clinicians]
        )
    }
    for row in clinicians:
        row.eligibility = eligibility.get((row.clinician_id, row.practice_id))
    tins.sort(key=lambda r: (r.practice.legal_business_name, r.practice.tin or ""))
    clinicians.sort(key=lambda r: (r.clinician.last_name, r.clinician.first_name, r.clinician.npi))
    return tins, clinicians


# --- Feedback from submitted data ---------------------------------------------------------------
# Where an entity (a practice as a group, a clinician under its TIN, a virtual group, an APM
# entity) submitted data for a year, its feedback is computed from that data: Quality, PI and
# IA from the preliminary score (``submissions.scoring``, the one place scoring lives), Cost
# from CMS's claims-based figure, weighted per the year's reweighting table.

SUBMITTED_CATEGORIES = {
    "quality": "quality",
    "promoting_interoperability": "pi",
    "improvement_activities": "ia",
}


@dataclass(frozen=True)
class SubmittedFeedback:
    """Feedback computed from submitted data. ``report`` is an unsaved FeedbackReport (what
    the page shows in place of CMS's); ``sources`` says where each category's figure came
    from ("submitted", "cms", or "reweighted" with no figure)."""

    report: FeedbackReport
    submitted_on: object  # the date the data were last changed
    sources: dict
    measures: list
    cms_report: FeedbackReport | None

    def rows(self):
        """Return [(label, score or None, weight, source)] in the order feedback shows them."""
        return [
            (*category, self.sources[name])
            for name, category in zip(CATEGORY_FIELDS, self.report.categories(), strict=True)
        ]


def _entity_sets(organization, year, clinician=None):
    """Return the measurement sets the organization may see of its own entity's submission
    for ``year`` (a practice's group submission, or ``clinician``'s under its TIN), each
    with its submission and measurements: read from the sets, one query fewer than through
    the submission."""
    from submissions import selectors as submission_selectors
    from submissions.models import EntityType

    filters = {"submission__performance_year": year}
    if clinician is not None:
        filters.update(
            submission__entity_type=EntityType.INDIVIDUAL,
            submission__national_provider_identifier=clinician.npi,
        )
    elif _is_practice_group(organization):
        filters["submission__entity_type"] = EntityType.GROUP
    sets = submission_selectors.measurement_sets_visible_to(organization).filter(**filters)
    # Scoring reads the sets and their submission, not who submitted them.
    return list(sets.select_related(None).select_related("submission"))


def _quality_measures(tree):
    """Return the scored measures of the quality set that counts, for the measure table."""
    from submissions import scoring

    set_part = scoring.picked_set_parts(tree).get("quality") or {}
    return [
        {
            "measure_id": measure.get("name"),
            "title": measure.get("title", ""),
            "performance_rate": measure.get("metadata", {}).get("performanceRate"),
            "decile": measure.get("metadata", {}).get("decile"),
            "points": measure.get("value"),
        }
        for measure in set_part.get("parts", ())
    ]


def _exception_categories(organization, year, clinician=None):
    """Return the categories approved exceptions reweight for the entity: the whole
    organization's, and for a clinician their own too."""
    who = Q(clinician__isnull=True)
    if clinician is not None:
        who |= Q(clinician=clinician)
    applications = ExceptionApplication.objects.filter(
        who,
        organization=organization,
        performance_year=year,
        status=ExceptionApplication.Status.APPROVED,
    )
    return set().union(*(a.category_labels_keys() for a in applications))


def submitted_feedback(organization, year, *, clinician=None, cms_report=None):
    """Return the SubmittedFeedback of the entity (``organization``, or ``clinician`` in it)
    for ``year``, Cost taken from ``cms_report``; None when nothing was submitted or the
    submitted data cannot be scored (no scoring figures for the year)."""
    from submissions import scoring
    from submissions import selectors as submission_selectors

    sets = _entity_sets(organization, year, clinician)
    if not sets:
        return None
    _data, tree = submission_selectors.preliminary_score(sets[0].submission, sets)
    if tree is None:
        return None
    submitted = scoring.category_scores(tree)
    scores = {
        name: (None if submitted[key] is None else Decimal(str(submitted[key])).quantize(CENTS))
        for name, key in SUBMITTED_CATEGORIES.items()
    }
    # Cost is never submitted: CMS computes it from claims after the year.
    scores["cost"] = cms_report.cost if cms_report is not None else None
    if clinician is not None:
        level = FeedbackReport.Level.INDIVIDUAL
    else:
        level = organization_level(organization)
    # Data submitted for a category overrides an approved exception for it, as CMS rules
    # for both kinds of exception: the category is scored, not reweighted.
    submitted_names = {name for name in SUBMITTED_CATEGORIES if scores[name] is not None}
    report = reweighting.scored_report(
        year,
        scores,
        reweighted=_exception_categories(organization, year, clinician) - submitted_names,
        small_practice=tree["metadata"]["smallPractice"],
        apm_entity=level == FeedbackReport.Level.APM_ENTITY,
        model_type=organization.model_type,
        organization=organization,
        clinician=clinician,
        level=level,
    )
    sources = {
        name: (
            "reweighted"
            if getattr(report, f"{name}_weight") == 0
            else ("cms" if name == "cost" else "submitted")
        )
        for name in CATEGORY_FIELDS
    }
    return SubmittedFeedback(
        report=report,
        submitted_on=max(s.updated_at for s in sets).date(),
        sources=sources,
        measures=_quality_measures(tree),
        cms_report=cms_report,
    )


def _submitted_entities(membership, belongs):
    """Return the ``(year, npi)`` pairs of ``FeedbackScope.submitted``: the entities with
    scorable submitted data the membership's summary may be computed from (the
    organization's own entity; for a Clinician in a practice, theirs too)."""
    from submissions.models import EntityType

    organization = membership.organization
    if not _is_practice_group(organization) and is_clinician_view(membership) and not belongs:
        return frozenset()
    whose = None
    if _is_practice_group(organization):
        whose = {(EntityType.GROUP, None)}
        if is_clinician_view(membership):
            whose = {(EntityType.INDIVIDUAL, membership.clinician.npi)}
            if belongs:
                whose.add((EntityType.GROUP, None))
    return frozenset(
        (year, npi)
        for year, entity_type, npi in _entities_with_data(organization)
        if whose is None or (entity_type, npi) in whose
    )


def _entities_with_data(organization):
    """Return the ``(year, entity type, npi)`` of every entity with submitted sets that
    ``organization`` sees (npi None but for individuals), kept in the shared cache under
    the generation of that data (submissions.selectors.submitted_data_generation)."""
    from submissions import catalogue
    from submissions import selectors as submission_selectors
    from submissions.models import EntityType

    years = catalogue.performance_years()

    def read():
        submissions = submission_selectors.submission_rows_visible_to(
            organization, performance_year__in=years
        )
        rows = (
            submissions.filter(measurement_sets__isnull=False)
            .order_by()
            .values_list("performance_year", "entity_type", "national_provider_identifier")
            .distinct()
        )
        return frozenset(
            (year, entity_type, npi if entity_type == EntityType.INDIVIDUAL else None)
            for year, entity_type, npi in rows
        )

    generation = submission_selectors.submitted_data_generation(organization)
    key = f"entities-with-data:{organization.pk}:{generation}:{','.join(map(str, years))}"
    return generations.cached(key, read, ENTITIES_WITH_DATA_CACHE_SECONDS)


@dataclass(frozen=True)
class YearFeedback:
    """What the summary page (and its download) shows for a year.

    ``report`` sums the page up: the organization's own (group, virtual group or APM
    entity), or for a Clinician in a practice their individual feedback if they have any,
    else their group's; computed from submitted data where that entity submitted some
    (``computed`` is then the SubmittedFeedback), else CMS's. ``group_report`` and
    ``group_computed``: the group feedback that applies to a Clinician whose summary is
    their own (CMS uses the higher of the two scores). ``clinician_reports``: the
    individual reports a group's page drills down to, for Staff Users and Security
    Officials only."""

    report: FeedbackReport | None
    computed: SubmittedFeedback | None
    group_report: FeedbackReport | None
    group_computed: SubmittedFeedback | None
    clinician_reports: list


def _cms_reports(scope, year):
    """Return CMS's reports of ``year`` the membership may see (a Clinician: their own and
    those without a clinician), by clinician name and then as ``FeedbackReport`` orders
    them (level, id): the summary, the group's and the drill-down, kept in the shared cache
    with CMS's data (feedback.public_cache)."""
    if year not in scope.reported:
        return []
    membership = scope.membership
    organization = membership.organization

    def read():
        reports = FeedbackReport.objects.filter(organization=organization, performance_year=year)
        return list(
            reports.select_related("clinician").order_by(
                "clinician__last_name", "clinician__first_name", "clinician__npi", "level", "id"
            )
        )

    reports = public_cache.cached_answer("cms-reports", f"{organization.pk}:{year}", read)
    if is_clinician_view(membership):
        whose = (membership.clinician_id, None)
        reports = [report for report in reports if report.clinician_id in whose]
    return reports


def _feedback_if_submitted(scope, year, clinician, cms_report):
    """Return ``submitted_feedback`` of the entity, reading nothing when the scope shows it
    has no data for ``year``."""
    if (year, clinician.npi if clinician else None) not in scope.submitted:
        return None
    return submitted_feedback(
        scope.membership.organization, year, clinician=clinician, cms_report=cms_report
    )


def summary_feedback(scope, year):
    """Return the YearFeedback of ``scope``'s membership for ``year`` (all empty for None:
    no year with feedback)."""
    membership = scope.membership
    organization = membership.organization
    reports = _cms_reports(scope, year)
    unattached = [r for r in reports if r.clinician_id is None]
    group = unattached[0] if unattached else None
    if not is_clinician_view(membership):
        cms_report, candidates = group, [None]
    elif _is_practice_group(organization):
        own = next((r for r in reports if r.clinician_id is not None), None)
        cms_report = own if own is not None or not scope.belongs else group
        candidates = [membership.clinician] + ([None] if scope.belongs else [])
    else:
        cms_report = group if scope.belongs else None
        candidates = [None] if scope.belongs else []
    if cms_report is not None:
        candidates = [cms_report.clinician]
    report, computed = cms_report, None
    for clinician in candidates:
        found = _feedback_if_submitted(scope, year, clinician, cms_report)
        if found is not None:
            report, computed = found.report, found
            break
    group_report = group_computed = None
    clinician_summary = report is not None and report.clinician_id is not None
    if clinician_summary and scope.belongs and organization.kind == Organization.Kind.PRACTICE:
        level = organization_level(organization)
        group_report = next((r for r in unattached if r.level == level), None)
        found = _feedback_if_submitted(scope, year, None, group_report)
        if found is not None:
            group_report, group_computed = found.report, found
    return YearFeedback(
        report=report,
        computed=computed,
        group_report=group_report,
        group_computed=group_computed,
        clinician_reports=(
            []
            if is_clinician_view(membership)
            else [r for r in reports if r.level == FeedbackReport.Level.INDIVIDUAL]
        ),
    )


def approved_exceptions(membership, year):
    """Return the approved exception applications that reweight categories for ``year`` in
    the membership's organization (a Clinician: the whole organization's and their own)."""
    applications = ExceptionApplication.objects.filter(
        organization=membership.organization,
        performance_year=year,
        status=ExceptionApplication.Status.APPROVED,
    ).select_related("clinician")
    if is_clinician_view(membership):
        applications = applications.filter(
            Q(clinician__isnull=True) | Q(clinician=membership.clinician)
        )
    return applications
