"""Reads and permission checks for submissions. Views and the API load data only here.

Who sees what (CMS's rules for organization tokens, and the portal's for practices):
- a registry sees only the measurement sets it submitted, and the submissions holding them;
- a practice sees every set for its TIN (group and its clinicians), whoever submitted it;
- a virtual group sees its own submission; an APM entity its entity's.
"""

import hashlib

from django.db.models import Prefetch
from django.http import Http404

from organizations.models import Enrolment, Organization
from qpp_portal import generations

from .models import ApiToken, EntityType, Measurement, MeasurementSet, Submission
from .validation import Problem

SMALL_PRACTICE_MAX_CLINICIANS = 15  # 42 CFR 414.1305: "15 or fewer eligible clinicians"


def _entity_lookups(organization):
    """Return the Submission lookups of the submissions that belong to ``organization``
    (not a registry)."""
    if organization.kind == Organization.Kind.APM_ENTITY:
        return {"entity_type": EntityType.APM_ENTITY, "entity_id": organization.entity_id}
    if organization.is_virtual_group:
        return {
            "entity_type": EntityType.VIRTUAL_GROUP,
            "entity_id": organization.virtual_group_id or "",
        }
    return {
        "entity_type__in": (EntityType.GROUP, EntityType.INDIVIDUAL),
        "taxpayer_identification_number": organization.tin,
    }


def is_registry(organization):
    return organization.kind == Organization.Kind.REGISTRY


def measurement_sets_visible_to(organization):
    """Return the measurement sets ``organization`` may see, with their measurements."""
    sets = MeasurementSet.objects.select_related("submission", "submitter", "submitted_by")
    if is_registry(organization):
        sets = sets.filter(submitter=organization)
    else:
        lookups = _entity_lookups(organization)
        sets = sets.filter(**{f"submission__{k}": v for k, v in lookups.items()})
    return sets.prefetch_related(
        Prefetch("measurements", queryset=Measurement.objects.order_by("measure_id"))
    )


def submissions_visible_to(organization, **filters):
    """Return the submissions ``organization`` may see, each with ``visible_sets`` (the
    sets it may see, with measurements). ``filters`` are Submission field lookups."""
    sets = measurement_sets_visible_to(organization)
    return submission_rows_visible_to(organization, **filters).prefetch_related(
        Prefetch("measurement_sets", queryset=sets, to_attr="visible_sets")
    )


def submission_rows_visible_to(organization, **filters):
    """Return the submissions ``organization`` may see, without their sets: for reading
    values or counting, which need no prefetch built."""
    submissions = Submission.objects.filter(**filters)
    if is_registry(organization):
        return submissions.filter(measurement_sets__submitter=organization).distinct()
    return submissions.filter(**_entity_lookups(organization))


# --- Generations of an entity's submitted data in the shared cache -----------------------
#
# What another app keeps in the shared cache of an organization's submitted data (feedback's
# list of entities with data) is keyed by the generation of the data that organization sees:
# saving or deleting a submission or a set starts a new one (submissions.signals,
# qpp_portal.generations).


def submitted_data_generation(organization):
    """Return the current generation token of the submitted data ``organization`` sees."""
    if is_registry(organization):
        key = registry_generation_key(organization.pk)
    else:
        key = _entity_generation_key(**_entity_lookups(organization))
    return generations.current(key)


def submission_generation_key(submission):
    """Return the generation key of the entity a submission is for, as the organization
    that sees it names it (``_entity_lookups``)."""
    if submission.entity_type in (EntityType.APM_ENTITY, EntityType.VIRTUAL_GROUP):
        return _entity_generation_key(
            entity_type=submission.entity_type, entity_id=submission.entity_id
        )
    return _entity_generation_key(
        taxpayer_identification_number=submission.taxpayer_identification_number
    )


def registry_generation_key(registry_id):
    return f"submitted-data:registry:{registry_id}"


def _entity_generation_key(*, entity_type=None, entity_id=None, **lookups):
    if "taxpayer_identification_number" in lookups:
        return f"submitted-data:tin:{lookups['taxpayer_identification_number']}"
    return f"submitted-data:{str(entity_type)}:{entity_id}"


def get_submission_for(organization, submission_id):
    """Return a submission ``organization`` may see; Http404 for any other (or a bad id)."""
    submission = submissions_visible_to(organization).filter(pk=submission_id).first()
    if submission is None:
        raise Http404("No such submission among yours.")
    return submission


def get_measurement_set_for(organization, measurement_set_id):
    """Return a measurement set ``organization`` may see; Http404 for any other."""
    measurement_set = (
        measurement_sets_visible_to(organization).filter(pk=measurement_set_id).first()
    )
    if measurement_set is None:
        raise Http404("No such measurement set among yours.")
    return measurement_set


def get_editable_measurement_set(organization, measurement_set_id):
    """Return a measurement set ``organization`` submitted itself (only the submitter
    changes a set); Http404 for any other."""
    measurement_set = get_measurement_set_for(organization, measurement_set_id)
    if measurement_set.submitter_id != organization.pk:
        raise Http404("No such measurement set among yours.")
    return measurement_set


def reporting_problems(organization, identity):
    """Return the problems (JSON paths into the submission) that stop ``organization``
    from reporting for the entity ``identity``; empty if it may.

    A registry reports for any client (CMS: "submit data for any TIN without any prior
    certification"). A practice reports for its TIN and the clinicians billing under it; a
    virtual group and an APM entity for themselves.
    """
    if is_registry(organization):
        return []
    entity_type = identity["entityType"]
    if organization.kind == Organization.Kind.APM_ENTITY:
        if entity_type != EntityType.APM_ENTITY or identity["entityId"] != organization.entity_id:
            return [Problem("An APM entity reports for itself only.", "$.entityId")]
        return []
    if organization.is_virtual_group:
        if (
            entity_type != EntityType.VIRTUAL_GROUP
            or not organization.virtual_group_id
            or identity["entityId"] != organization.virtual_group_id
        ):
            return [
                Problem(
                    "A virtual group reports for itself only, by its virtual group ID.",
                    "$.entityId",
                )
            ]
        return []
    if entity_type not in (EntityType.GROUP, EntityType.INDIVIDUAL):
        return [Problem("A practice reports as a group or for its clinicians.", "$.entityType")]
    if identity["taxpayerIdentificationNumber"] != organization.tin:
        return [
            Problem(
                "You can report only for your practice's own TIN.",
                "$.taxpayerIdentificationNumber",
            )
        ]
    if (
        entity_type == EntityType.INDIVIDUAL
        and not practice_clinicians(organization)
        .filter(clinician__npi=identity["nationalProviderIdentifier"])
        .exists()
    ):
        return [
            Problem(
                "This NPI does not bill under your practice's TIN in CMS's records.",
                "$.nationalProviderIdentifier",
            )
        ]
    return []


def practice_clinicians(practice):
    """Return the enrolments (clinician + PTAN) under a practice's TIN, by name."""
    return (
        Enrolment.objects.filter(practice=practice)
        .select_related("clinician")
        .order_by("clinician__last_name", "clinician__first_name")
    )


def is_small_practice(tin):
    """Answer whether the TIN has 15 or fewer clinicians billing under it."""
    if not tin:
        return False
    count = Enrolment.objects.filter(practice__tin=tin, practice__kind="practice").count()
    return 0 < count <= SMALL_PRACTICE_MAX_CLINICIANS


def scoring_context(identity):
    """Return the ScoringContext of an entity (``identity`` as validation returns it)."""
    from .scoring import ScoringContext

    tin = identity["taxpayerIdentificationNumber"]
    if identity["entityType"] == EntityType.VIRTUAL_GROUP:
        # The clinicians a virtual group gathers bill under its TIN in the reference data.
        tin = (
            Organization.objects.filter(virtual_group_id=identity["entityId"])
            .values_list("tin", flat=True)
            .first()
        )
    small = identity["entityType"] != EntityType.APM_ENTITY and is_small_practice(tin)
    return ScoringContext(is_small_practice=small)


def preliminary_score(submission, measurement_sets=None):
    """Return ``(data, score tree)`` of a stored submission as the viewer sees it: its
    ``visible_sets`` unless ``measurement_sets`` are given. The tree is None when the year
    has no scoring figures."""
    from . import representation, scoring

    sets = submission.visible_sets if measurement_sets is None else measurement_sets
    data = representation.submission_data(submission, sets)
    try:
        tree = scoring.score_submission(
            data, context=scoring_context(submission_identity(submission))
        )
    except ValueError:
        tree = None
    return data, tree


def submission_identity(submission):
    """Return a stored submission's identity in validation's shape."""
    return {
        "entityType": submission.entity_type,
        "taxpayerIdentificationNumber": submission.taxpayer_identification_number,
        "nationalProviderIdentifier": submission.national_provider_identifier,
        "entityId": submission.entity_id,
        "performanceYear": submission.performance_year,
    }


# --- API tokens ------------------------------------------------------------------------------


def token_digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def get_active_token(secret):
    """Return the active ApiToken whose secret is ``secret``, or None."""
    if not secret or len(secret) > 200:
        return None
    return (
        ApiToken.objects.select_related("organization")
        .filter(key_digest=token_digest(secret), revoked_at__isnull=True)
        .first()
    )


def tokens_of(organization):
    """Return the organization's tokens, newest first, active and revoked."""
    return ApiToken.objects.filter(organization=organization).select_related(
        "created_by", "revoked_by"
    )


def get_token_of(organization, token_id):
    token = tokens_of(organization).filter(pk=token_id).first()
    if token is None:
        raise Http404("No such token.")
    return token
