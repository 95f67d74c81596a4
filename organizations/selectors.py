"""Reads of organizations and CMS enrollment records, for this app's pages and for the roles
and feedback apps.

Search functions take raw user input, return querysets (so callers paginate or narrow them)
and never raise on odd input: at worst they return nothing. TINs are only ever matched in
full, so a search can't be used to enumerate them.
"""

import re
from contextlib import contextmanager

from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import Q, Value
from django.db.models.functions import Collate, Upper
from django.db.models.lookups import StartsWith
from django.utils.functional import cached_property

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
# A search counts this many matches at most, then says "1,000+": counting every practice
# whose name holds a common word takes longer than the page may among a million of them.
COUNT_CAP = 1000
# A page of a search with more than COUNT_CAP matches is first looked for among this many
# names per row of the page, read in name order, and never more than MAX_NAMES_READ (see
# CappedPaginator): at a million practices 4,000 names hold the first page of most common
# words, and reading them all costs 3 ms when they do not.
NAMES_READ_PER_ROW = 200
MAX_NAMES_READ = 20_000
# Marks a search for a word anywhere in names (an alias the SQL never uses).
_CONTAINS = "searches_inside_names"
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


def _name_key():
    """Return the name as searches compare and order it: upper-cased, in byte order.

    PostgreSQL's "C" collation gives byte order whatever the database's collation, as
    SQLite does already, so both list results alike; migration 0004's index on
    (kind, this, id) serves the order, and a name prefix as a range of it."""
    key = Upper("legal_business_name")
    return Collate(key, "C") if connection.vendor == "postgresql" else key


def _name_filter(query):
    """Match names starting with ``query`` if it is short, else containing it, ignoring case.

    A prefix compiles to UPPER(name) COLLATE "C" LIKE UPPER('ab') || '%' (escaped), which
    PostgreSQL folds to 'AB%' and answers from migration 0004's index; a substring to
    UPPER(name) LIKE UPPER('%abc%'), answered from migration 0002's trigram index."""
    if len(query) < CONTAINS_MIN_LENGTH:
        return Q(StartsWith(_name_key(), Upper(Value(query))))
    return Q(legal_business_name__icontains=query)


def _by_name(organizations, query):
    # The id breaks ties between equal names, so every page lists the same rows.
    organizations = organizations.order_by(_name_key().asc(), "pk")
    if len(query) >= CONTAINS_MIN_LENGTH:
        organizations = organizations.alias(**{_CONTAINS: Value(True)})
    return organizations


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
    return _by_name(Practice.objects.filter(_name_filter(query)), query)


def search_apm_entities(query, *, model_type=None):
    """Return the APM entities whose APM Entity ID is ``query`` or whose legal business name
    contains it, optionally of one model type; ordered by name."""
    query = clean_query(query)
    if not query:
        return ApmEntity.objects.none()
    entities = ApmEntity.objects.all()
    if model_type:
        entities = entities.filter(model_type=model_type)
    return _by_name(
        entities.filter(Q(entity_id=validators.normalize_identifier(query)) | _name_filter(query)),
        query,
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
    return _by_name(Registry.objects.filter(_name_filter(query)), query)


def search_organizations(*, kind, query, model_type=None):
    """Dispatch to the search of ``kind`` (an ``Organization.Kind``)."""
    if kind == Organization.Kind.PRACTICE:
        return search_practices(query)
    if kind == Organization.Kind.APM_ENTITY:
        return search_apm_entities(query, model_type=model_type)
    if kind == Organization.Kind.REGISTRY:
        return search_registries(query)
    raise ValueError(f"Unknown organization kind {kind!r}")


class CappedPaginator(Paginator):
    """Pages of search results that count at most ``COUNT_CAP`` matches.

    When more match, ``count`` is ``COUNT_CAP`` and ``is_capped`` is True; the pages past it
    are not offered (a person narrows the search instead). Each page is read so that no
    search sorts or walks through a large part of a million names:

    - ``COUNT_CAP`` or fewer matches: the ids the count found are sorted on their own;
    - more: the page is looked for among the first names in name order, where a common
      word has its first matches;
    - not found there: a name prefix reads its range of the name index, in order; a word
      whose names mostly start in one part of the alphabet has its matches sorted, as the
      trigram index finds them.
    """

    @cached_property
    def _matching_ids(self):
        ids = self.object_list.order_by().values_list("pk", flat=True)[: COUNT_CAP + 1]
        # Expecting many matches, PostgreSQL would read the table until it has found
        # enough; practices are stored in name order, so for a word that starts names late
        # in the alphabet that meant most of a million rows (150 ms). The trigram and name
        # indexes find the first COUNT_CAP + 1 matches of any search in 25 ms at worst.
        with _postgresql_planner_without("seqscan", "indexscan"):
            return list(ids)

    @cached_property
    def is_capped(self):
        return len(self._matching_ids) > COUNT_CAP

    @cached_property
    def count(self):
        return min(len(self._matching_ids), COUNT_CAP)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if self.is_capped:
            rows = self._page_of_many(bottom, top)
        else:
            rows = self.object_list.filter(pk__in=self._matching_ids)[bottom:top]
        return self._get_page(rows, number, self)

    def _page_of_many(self, bottom, top):
        matches = self.object_list
        window = min(top * NAMES_READ_PER_ROW, MAX_NAMES_READ)
        names = matches.model._default_manager.order_by(_name_key().asc(), "pk")
        last = names.values_list(_name_key(), flat=True)[window - 1 : window]
        if not last:  # fewer names than that: the first names are all of them
            return list(matches[bottom:top])
        # The names up to the window's last name (its ties too) are the first in name order.
        first_names = matches.alias(name_key=_name_key()).filter(name_key__lte=last[0])
        # PostgreSQL reads the name index in order up to that name and stops at the page's
        # last match (its plan for this, prepared for any words or not).
        rows = list(first_names[bottom:top])
        if len(rows) == top - bottom:
            return rows
        if _CONTAINS not in matches.query.annotations:
            return list(matches[bottom:top])
        # Left to itself, PostgreSQL would walk the name index (it expects matches spread
        # over the alphabet), which takes a second for a word that starts the names of one
        # letter; it sorts the trigram index's matches instead.
        with _postgresql_planner_without("indexscan"):
            return list(matches[bottom:top])


@contextmanager
def _postgresql_planner_without(*methods):
    """Keep PostgreSQL's planner from the scan ``methods`` (its ``enable_*`` settings) for
    the queries inside, in a transaction of their own, and have it plan each for the words
    searched; elsewhere, do nothing.

    A prepared search (settings: DATABASE_PREPARED_STATEMENTS) may otherwise be given one
    plan for any words after its fifth run, made without knowing how common they are: a
    common word's search then took six times as long."""
    if connection.vendor != "postgresql":
        yield
        return
    switched_off = [f"enable_{method}" for method in methods]
    with transaction.atomic(), connection.cursor() as cursor:
        # set_config(..., true) is SET LOCAL, for several settings in one statement.
        cursor.execute(
            "SELECT set_config('plan_cache_mode', 'force_custom_plan', true)"
            + "".join(", set_config(%s, 'off', true)" for _setting in switched_off),
            switched_off,
        )
        yield


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
