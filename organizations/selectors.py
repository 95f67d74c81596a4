"""Reads of organizations and CMS enrollment records, for this app's pages and for the roles
and feedback apps.

Search functions take raw user input, return querysets (so callers paginate or narrow them)
and never raise on odd input: at worst they return nothing. TINs are only ever matched in
full, so a search can't be used to enumerate them.
"""

import re
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple

from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Upper
from django.db.models.lookups import Contains, StartsWith
from django.utils.functional import cached_property

from qpp_portal import generations
from qpp_portal.collation import ByteOrder

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

# Queries without this many letters or digits in a row match the start of names only: a
# "contains" search for "su" or "O'B" would match much of the table, and the trigram index
# cannot narrow it (pg_trgm reads only letters and digits: "O'B" took 96 ms at a million
# practices, the prefix 5).
CONTAINS_MIN_LENGTH = 3
_LETTERS_IN_A_ROW = re.compile(rf"[^\W_]{{{CONTAINS_MIN_LENGTH}}}")
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
# A word expected more than COUNT_CAP times among this many first names is counted by
# reading them in order from the order index (at most 11 ms at a million practices) instead
# of from the trigram index, whose entries for a word in one name in twenty cost more
# (12-25 ms). Expected from one in COUNT_NAMES_SAMPLED_EVERY of those names: a thousand.
COUNT_NAMES_READ = 40_000
COUNT_NAMES_SAMPLED_EVERY = 40
# How long what a search knows of the names in order is kept (``_kept_names``).
NAME_AT_SECONDS = 600
NAMES_GENERATION_KEY = "organization-names:generation"
# Marks a search for a word anywhere in names, and holds the word (an alias the SQL never
# uses).
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
    """Return the name as searches compare and order it: upper-cased (the column
    Organization.search_name), in byte order, as the index "organization_search_order"
    on (kind, this, id) holds it; a name prefix is a range of that index."""
    return ByteOrder(F("search_name"))


def name_contains(query):
    """Return a ``Q`` matching organizations whose name contains ``query``, ignoring case:
    search_name LIKE '%' || UPPER('query') || '%' (escaped), which PostgreSQL folds to
    '%QUERY%' and answers from the trigram index (migration 0005)."""
    return Q(Contains(F("search_name"), Upper(Value(query))))


def _name_filter(query):
    """Match names containing ``query`` if it has letters or digits enough in a row, else
    names starting with it, ignoring case.

    A prefix compiles to search_name COLLATE "C" LIKE UPPER('ab') || '%' (escaped), which
    PostgreSQL folds to 'AB%' and answers as a range of the order index."""
    if not _searches_inside_names(query):
        return Q(StartsWith(_name_key(), Upper(Value(query))))
    return name_contains(query)


def _searches_inside_names(query):
    """Whether ``query`` is looked for anywhere in names (see CONTAINS_MIN_LENGTH)."""
    return _LETTERS_IN_A_ROW.search(query) is not None


def _by_name(organizations, query):
    # The id breaks ties between equal names, so every page lists the same rows.
    organizations = organizations.order_by(_name_key().asc(), "pk")
    if _searches_inside_names(query):
        organizations = organizations.alias(**{_CONTAINS: Value(query)})
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


class _Matches(NamedTuple):
    """What a search's count found: up to COUNT_CAP + 1 matching ids, whether they are the
    first matches in name order (all of them, or those among the first names), and the
    first of their names (None if none)."""

    ids: list
    in_name_order: bool
    first_name: str | None


class CappedPaginator(Paginator):
    """Pages of search results that count at most ``COUNT_CAP`` matches.

    When more match, ``count`` is ``COUNT_CAP`` and ``is_capped`` is True; the pages past it
    are not offered (a person narrows the search instead). Each page is read so that no
    search sorts or walks through a large part of a million names:

    - a name prefix: its first ``COUNT_CAP`` + 1 names, a range of the order index, are
      its pages;
    - a word often in a sample of the first names is counted among them, reading names
      in order until more than ``COUNT_CAP`` match: its pages are those matches;
    - otherwise the trigram index counts it. ``COUNT_CAP`` or fewer matches: the ids and
      names the count found are sorted here;
    - more: the page is looked for among the first names in name order, where a common
      word has its first matches (unless the count saw none of its matches there);
    - not found there: the ids and names of the trigram index's matches are sorted (a
      word whose names mostly start in one part of the alphabet).
    """

    @cached_property
    def _matches(self):
        if self._counts_inside_names() and self._expects_cap_among_first_names():
            _last_name, first_names = self._first_names(COUNT_NAMES_READ)
            if first_names is not None:
                # PostgreSQL would rather add the trigram index (see COUNT_NAMES_READ).
                with _postgresql_planner_without("seqscan", "bitmapscan"):
                    ids = list(first_names.values_list("pk", flat=True)[: COUNT_CAP + 1])
                if len(ids) > COUNT_CAP:
                    return _Matches(ids, in_name_order=True, first_name=None)
        if _CONTAINS not in self.object_list.query.annotations:
            # A prefix's names are a range of the order index: the first COUNT_CAP + 1 in
            # order, read from the index alone, are its pages.
            ids = self.object_list.values_list("pk", flat=True)[: COUNT_CAP + 1]
            with _postgresql_planner_without("seqscan", "bitmapscan"):
                return _Matches(list(ids), in_name_order=True, first_name=None)
        found = self.object_list.order_by().values_list("pk", _name_key())[: COUNT_CAP + 1]
        # Expecting many matches, PostgreSQL would read the table until it has found
        # enough; practices are stored in name order, so for a word that starts names late
        # in the alphabet that meant most of a million rows (150 ms). The trigram index
        # finds the first COUNT_CAP + 1 matches of a word in one name in twenty in 12 ms;
        # commoner words are counted among the first names.
        with _postgresql_planner_without("seqscan", "indexscan"):
            found = list(found)
        if len(found) <= COUNT_CAP:
            # All the matches: sorted here, by name then id as the database would (Python
            # compares strings by code point, the byte order of the name key's UTF-8).
            found.sort(key=lambda match: (match[1], match[0]))
            return _Matches([pk for pk, _name in found], in_name_order=True, first_name=None)
        return _Matches(
            [pk for pk, _name in found],
            in_name_order=False,
            first_name=min(name for _pk, name in found),
        )

    def _counts_inside_names(self):
        """Whether this is a search for a word anywhere in names, on PostgreSQL (whose
        trigram index may cost more to read than the first names)."""
        return (
            connection.vendor == "postgresql" and _CONTAINS in self.object_list.query.annotations
        )

    def _expects_cap_among_first_names(self):
        """Whether more than ``COUNT_CAP`` of the first COUNT_NAMES_READ names are expected
        to hold the word ("medical", "health"), from a sample of them.

        PostgreSQL's planner tries a word on the hundred or so names of its statistics, of
        the whole table: too few for a word in one name in forty, and it walked the first
        names in vain for "crest" and "brooks" (20-28 ms) as often as it missed a common
        word."""
        word = self.object_list.query.annotations[_CONTAINS].value.upper()
        sample = _first_names_sample(self.object_list.model)
        return sum(word in name for name in sample) * COUNT_NAMES_SAMPLED_EVERY > COUNT_CAP

    def _first_names(self, window):
        """Return the ``window``-th name in name order and the matches up to it (its ties
        too), or (None, None) if there are no more names than that."""
        last = _name_at(self.object_list.model, window)
        if last is None:
            return None, None
        return last, self.object_list.alias(name_key=_name_key()).filter(name_key__lte=last)

    @cached_property
    def is_capped(self):
        return len(self._matches.ids) > COUNT_CAP

    @cached_property
    def count(self):
        return min(len(self._matches.ids), COUNT_CAP)

    def get_page(self, number):
        with _search_transaction():
            return super().get_page(number)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if self._matches.in_name_order:
            rows = self.object_list.filter(pk__in=self._matches.ids[bottom:top])
        else:
            rows = self._page_of_many(bottom, top)
        return self._get_page(rows, number, self)

    def _page_of_many(self, bottom, top):
        matches = self.object_list
        window = min(top * NAMES_READ_PER_ROW, MAX_NAMES_READ)
        last, first_names = self._first_names(window)
        if first_names is None:  # fewer names than that: the first names are all of them
            with _postgresql_planner_without():  # every scan, whatever the count switched off
                return list(matches[bottom:top])
        # Where the count's matches all come after the first names (practices are stored
        # in name order, so it found the first matches), the page is not among them.
        if self._matches.first_name <= last:
            # Read in order from the order index up to that name, stopping at the page's
            # last match; PostgreSQL would rather add the trigram index's matches.
            page = first_names.values("pk")[bottom:top]
            with _postgresql_planner_without("bitmapscan"):
                rows = list(matches.filter(pk__in=page))
            if len(rows) == top - bottom:
                return rows
        # Left to itself, PostgreSQL would walk the name index (it expects matches spread
        # over the alphabet), which takes a second for a word that starts the names of one
        # letter; it sorts the trigram index's matches instead. Their ids and names alone:
        # sorting whole rows took twice as long.
        page = matches.values("pk")[bottom:top]
        with _postgresql_planner_without("indexscan"):
            return list(matches.filter(pk__in=page))


def _name_at(model, position):
    """Return the name key (``_name_key``) of the ``position``-th name of ``model``'s
    organizations in name order, or None if there are fewer (kept: ``_kept_names``)."""

    def read():
        # In a list: the cache cannot tell a kept None from a missing key.
        return [_names_in_order(model)[position - 1 : position].first()]

    return _kept_names(model, f"name-at:{position}", read)[0]


def _first_names_sample(model):
    """Return the name key of one in COUNT_NAMES_SAMPLED_EVERY of the first
    COUNT_NAMES_READ names of ``model``'s organizations in name order (kept:
    ``_kept_names``)."""

    def read():
        return list(_names_in_order(model)[:COUNT_NAMES_READ])[::COUNT_NAMES_SAMPLED_EVERY]

    return _kept_names(model, "first-names-sample", read)


def _names_in_order(model):
    """The name keys of ``model``'s organizations in name order."""
    names = model._default_manager.order_by(_name_key().asc(), "pk")
    return names.values_list(_name_key(), flat=True)


def _kept_names(model, what, read):
    """Return ``read()``, what a search knows of ``model``'s names in order, from the shared
    cache when it is there.

    A search only needs to know roughly how the names run, and any names give the same
    results (stale ones only read a few more or fewer names), so they are read again
    every NAME_AT_SECONDS and after a reference data import."""
    generation = generations.current(NAMES_GENERATION_KEY)
    key = f"search-{what}:{generation}:{model._meta.label}"
    return generations.cached(key, read, NAME_AT_SECONDS)


def start_new_names_generation(**kwargs):
    """Forget the names ``_name_at`` and ``_first_names_sample`` keep (receiver of
    reference_data_changed)."""
    generations.start_new([NAMES_GENERATION_KEY])


# The scan methods a search switches off for some of its statements (their enable_*
# settings); each statement of a search sets all of them.
_SCAN_METHODS = ("seqscan", "indexscan", "bitmapscan")

# Whether the statements run now are inside a search's transaction (``_search_transaction``).
_in_search_transaction = ContextVar("in_search_transaction", default=False)


@contextmanager
def _postgresql_planner_without(*methods):
    """Keep PostgreSQL's planner from the scan ``methods`` for the queries inside, and have
    it plan each for the words searched; elsewhere, do nothing. Inside a search's
    transaction (``_search_transaction``, opened here if none is).

    A prepared search (settings: DATABASE_PREPARED_STATEMENTS) may otherwise be given one
    plan for any words after its fifth run, made without knowing how common they are: a
    common word's search then took six times as long."""
    if connection.vendor != "postgresql":
        yield
        return
    settings = [
        value
        for method in _SCAN_METHODS
        for value in (f"enable_{method}", "off" if method in methods else "on")
    ]
    with _search_transaction(), connection.cursor() as cursor:
        # set_config(..., true) is SET LOCAL, for several settings in one statement.
        cursor.execute(
            "SELECT set_config('plan_cache_mode', 'force_custom_plan', true)"
            + ", set_config(%s, %s, true)" * len(_SCAN_METHODS),
            settings,
        )
        yield


@contextmanager
def _search_transaction():
    """Run a search's statements in one transaction on PostgreSQL, so that its planner
    settings (``_postgresql_planner_without``) cost one statement each rather than a
    transaction each, and none outlives it: in a caller's transaction, they are put back
    to the connection's own at the end. Inside one already, do nothing."""
    if connection.vendor != "postgresql" or _in_search_transaction.get():
        yield
        return
    in_callers_transaction = connection.in_atomic_block
    inside = _in_search_transaction.set(True)
    try:
        # savepoint=False: in a caller's transaction, no savepoint to make and release.
        with transaction.atomic(savepoint=False):
            yield
            if in_callers_transaction:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT set_config(name, reset_val, true) FROM pg_settings "
                        "WHERE name = 'plan_cache_mode' OR name = ANY(%s)",
                        [[f"enable_{method}" for method in _SCAN_METHODS]],
                    )
    finally:
        _in_search_transaction.reset(inside)


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
