"""Reads of organizations and CMS enrollment records, for this app's pages and for the roles
and feedback apps.

Search functions take raw user input, return querysets (so callers paginate or narrow them)
and never raise on odd input: at worst they return nothing. TINs are only ever matched in
full, so a search can't be used to enumerate them.
"""

import re

from django.db.models import Q

from . import validators
from .models import (
    ApmEntity,
    ApmParticipation,
    Clinician,
    Enrolment,
    Organization,
    Practice,
    Registry,
)

# Queries shorter than this match the start of names only: a two-letter "contains" search
# would match most of the table and cannot use the trigram index.
CONTAINS_MIN_LENGTH = 3
QUERY_MAX_LENGTH = 100
_TIN_SHAPE = re.compile(r"^\d{2}-?\d{7}$|^\d{3}-?\d{2}-?\d{4}$|^\d{9}$")


def clean_query(query):
    """Return ``query`` with surrounding and repeated spaces removed, cut to 100 characters."""
    return " ".join(str(query or "").split())[:QUERY_MAX_LENGTH]


def parse_full_tin(query):
    """Return the 9 digits of ``query`` if it is a full TIN (12-3456789, 123456789 or
    123-45-6789), else None."""
    query = clean_query(query).replace(" ", "")
    if _TIN_SHAPE.match(query):
        return validators.normalize_tin(query)
    return None


def looks_like_identifier_digits(query):
    """Return True if ``query`` is made of digits and dashes only (a TIN, or part of one)."""
    query = clean_query(query).replace(" ", "")
    return bool(query) and bool(re.fullmatch(r"[\d-]+", query))


def _name_filter(query):
    """Match names starting with ``query`` if it is short, else containing it, ignoring case.

    Django compiles these to UPPER(name) LIKE UPPER('ABC%') / ('%ABC%'), which PostgreSQL
    answers from the indexes of migration 0002."""
    if len(query) < CONTAINS_MIN_LENGTH:
        return Q(legal_business_name__istartswith=query)
    return Q(legal_business_name__icontains=query)


def search_practices(query):
    """Return the practices (virtual groups included) whose TIN is ``query`` in full, or
    whose legal business name contains it; ordered by name."""
    query = clean_query(query)
    if not query:
        return Practice.objects.none()
    tin = parse_full_tin(query)
    if tin:
        return Practice.objects.filter(tin=tin)
    if looks_like_identifier_digits(query):
        return Practice.objects.none()
    return Practice.objects.filter(_name_filter(query))


def search_apm_entities(query, *, model_type=None):
    """Return the APM entities whose APM Entity ID is ``query`` or whose legal business name
    contains it, optionally of one model type; ordered by name."""
    query = clean_query(query)
    if not query:
        return ApmEntity.objects.none()
    entities = ApmEntity.objects.all()
    if model_type:
        entities = entities.filter(model_type=model_type)
    return entities.filter(
        Q(entity_id=validators.normalize_identifier(query)) | _name_filter(query)
    )


def search_registries(query):
    """Return the QCDRs and Qualified Registries whose TIN is ``query`` in full or whose
    name contains it; ordered by name."""
    query = clean_query(query)
    if not query:
        return Registry.objects.none()
    tin = parse_full_tin(query)
    if tin:
        return Registry.objects.filter(tin=tin)
    if looks_like_identifier_digits(query):
        return Registry.objects.none()
    return Registry.objects.filter(_name_filter(query))


def search_organizations(*, kind, query, model_type=None):
    """Dispatch to the search of ``kind`` (an ``Organization.Kind``)."""
    if kind == Organization.Kind.PRACTICE:
        return search_practices(query)
    if kind == Organization.Kind.APM_ENTITY:
        return search_apm_entities(query, model_type=model_type)
    if kind == Organization.Kind.REGISTRY:
        return search_registries(query)
    raise ValueError(f"Unknown organization kind {kind!r}")


def get_practice_by_tin(tin):
    """Return the practice whose TIN is ``tin`` (dashes allowed), or None."""
    return Practice.objects.filter(tin=validators.normalize_tin(tin)).first()


def get_apm_entity_by_id(entity_id):
    """Return the APM entity whose ID is ``entity_id`` (any case), or None."""
    return ApmEntity.objects.filter(entity_id=validators.normalize_identifier(entity_id)).first()


def get_registry_by_id(registry_id):
    """Return the registry whose registry ID is ``registry_id`` (any case), or None."""
    return Registry.objects.filter(
        registry_id=validators.normalize_identifier(registry_id)
    ).first()


def get_clinician_by_npi(npi):
    """Return the clinician whose individual NPI is ``npi``, or None."""
    return Clinician.objects.filter(npi=validators.normalize_npi(npi)).first()


def find_individual_enrolment(practice, npi, ptan):
    """Return the enrolment of a clinician billing under ``practice``'s TIN with individual
    NPI ``npi`` and individual PTAN ``ptan`` (spaces and case ignored), or None.

    A group NPI or group PTAN never matches (see ``is_group_identifier`` to say why)."""
    npi = validators.normalize_npi(npi)
    ptan = validators.normalize_ptan(ptan)
    if not npi or not ptan or is_group_identifier(practice, npi, ptan):
        return None
    return (
        Enrolment.objects.select_related("clinician", "practice")
        .filter(practice=practice, clinician__npi=npi, ptan=ptan)
        .first()
    )


def is_group_identifier(practice, npi, ptan):
    """Return True if ``npi`` or ``ptan`` is a group NPI or group PTAN: ``practice``'s own or
    any other practice's. Group identifiers are never individual ones (the import refuses
    them), so a True answer means the person gave the group's numbers."""
    npi = validators.normalize_npi(npi)
    ptan = validators.normalize_ptan(ptan)
    if practice is not None and (
        (npi and npi == practice.group_npi) or (ptan and ptan == practice.group_ptan)
    ):
        return True
    conditions = Q()
    if npi:
        conditions |= Q(group_npi=npi)
    if ptan:
        conditions |= Q(group_ptan=ptan)
    if not conditions:
        return False
    return Practice.objects.filter(conditions).exists()


def participating_practices(entity, *, performance_year):
    """Return the practices whose TIN takes part in ``entity`` in ``performance_year``."""
    return Practice.objects.filter(
        apm_participations__entity=entity,
        apm_participations__performance_year=performance_year,
        apm_participations__clinician__isnull=True,
    )


def participating_tins(entity, *, performance_year):
    """Return the set of TINs (9 digits) taking part in ``entity`` in ``performance_year``."""
    return frozenset(
        participating_practices(entity, performance_year=performance_year).values_list(
            "tin", flat=True
        )
    )


def participating_clinicians(entity, *, performance_year):
    """Return the participation rows of clinicians (with clinician and practice) in
    ``entity`` in ``performance_year``."""
    return (
        ApmParticipation.objects.filter(
            entity=entity, performance_year=performance_year, clinician__isnull=False
        )
        .select_related("clinician", "practice")
        .order_by("practice__legal_business_name", "clinician__last_name", "clinician__npi")
    )


def clinician_practices(clinician):
    """Return the practices and virtual groups ``clinician`` bills under."""
    return Practice.objects.filter(enrolments__clinician=clinician)


def clinician_apm_entities(clinician, *, performance_year=None):
    """Return the APM entities ``clinician`` takes part in, in one year or any."""
    participations = ApmParticipation.objects.filter(clinician=clinician)
    if performance_year is not None:
        participations = participations.filter(performance_year=performance_year)
    return ApmEntity.objects.filter(id__in=participations.values("entity_id"))
