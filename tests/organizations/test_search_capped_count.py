"""Search among many organizations: a count that stops at COUNT_CAP, pages a person can
reach, and one order whichever way a page is read."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations import selectors, views

from .factories import PracticeFactory

pytestmark = pytest.mark.django_db

SEARCH_URL = reverse("organizations:search")


@pytest.fixture
def cap_of_five(monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 5)


def harbor_practices(count):
    return [PracticeFactory(legal_business_name=f"Harbor Clinic {n:02d}") for n in range(count)]


def names_of(page):
    return [organization.legal_business_name for organization in page]


GREEK_LETTERS = [
    "Zeta",
    "Mu",
    "Alpha",
    "Omega",
    "Kappa",
    "Beta",
    "Nu",
    "Eta",
    "Chi",
    "Pi",
    "Rho",
    "Tau",
]


def harbor_clinics_out_of_order(letters):
    """Make a "<letter> Harbor Clinic" practice for each of ``letters``, in that order (not
    the names'); return the first five names in name order, upper-cased."""
    for letter in letters:
        PracticeFactory(legal_business_name=f"{letter} Harbor Clinic")
    return sorted(f"{letter} Harbor Clinic".upper() for letter in letters)[:5]


def names_on_pages_of_two(query):
    """The upper-cased names on the first three pages of two of a capped search."""
    paginator = selectors.CappedPaginator(selectors.search_practices(query), 2)
    assert paginator.is_capped
    return [name.upper() for number in (1, 2, 3) for name in names_of(paginator.page(number))]


def test_search_of_a_common_word_shows_a_capped_count(signed_in_client, cap_of_five):
    harbor_practices(7)

    response = signed_in_client.get(SEARCH_URL, {"kind": "practice", "query": "harbor"})

    html = response.content.decode()
    assert "5+ organizations match “harbor”; showing 1 to 5." in html
    assert "Only the first 5 are listed" in html


def test_the_real_cap_is_written_with_a_thousands_separator(signed_in_client, monkeypatch):
    harbor_practices(3)
    monkeypatch.setattr(selectors.CappedPaginator, "count", 1000)
    monkeypatch.setattr(selectors.CappedPaginator, "is_capped", True)

    response = signed_in_client.get(SEARCH_URL, {"kind": "practice", "query": "harbor"})

    assert "1,000+ organizations match “harbor”" in response.content.decode()


def test_search_under_the_cap_shows_the_exact_count(signed_in_client, cap_of_five):
    harbor_practices(5)

    response = signed_in_client.get(SEARCH_URL, {"kind": "practice", "query": "harbor"})

    html = response.content.decode()
    assert "5 organizations match “harbor”." in html
    assert "+ organizations" not in html


def test_pages_of_a_capped_search_can_be_reached_up_to_the_cap(
    signed_in_client, cap_of_five, monkeypatch
):
    monkeypatch.setattr(views, "RESULTS_PER_PAGE", 2)
    harbor_practices(9)

    second = signed_in_client.get(
        SEARCH_URL, {"kind": "practice", "query": "harbor", "page": "2"}
    ).content.decode()
    last = signed_in_client.get(
        SEARCH_URL, {"kind": "practice", "query": "harbor", "page": "9"}
    ).content.decode()

    assert "showing 3 to 4." in second
    assert "Harbor Clinic 02" in second and "Harbor Clinic 04" not in second
    # Page 9 is past the cap of 5: the last page a person can reach is shown.
    assert "showing 5 to 5." in last
    assert "Harbor Clinic 04" in last
    assert "?kind=practice&amp;query=harbor&amp;page=4" not in last


@pytest.mark.parametrize(
    "names_read_per_row", [40, 2, 1], ids=["all names", "first names", "sorted matches"]
)
def test_order_is_by_name_ignoring_case_then_by_id_however_a_page_is_read(
    cap_of_five, monkeypatch, names_read_per_row
):
    # 40 names a row reads more names than there are; with two, the first page is among
    # the first six names; with one, it is not, and the matches are sorted instead: all
    # three must come out the same.
    monkeypatch.setattr(selectors, "NAMES_READ_PER_ROW", names_read_per_row)
    PracticeFactory(legal_business_name="Aardvark Pediatrics")
    twin_b = PracticeFactory(legal_business_name="harbor b clinic")
    twin_a2 = PracticeFactory(legal_business_name="Harbor A Clinic")
    twin_a1 = PracticeFactory(legal_business_name="Harbor A Clinic")
    capital = PracticeFactory(legal_business_name="HARBOR A CLINIC")
    last = PracticeFactory(legal_business_name="Zed Harbor Clinic")
    PracticeFactory(legal_business_name="Northern Harbor Clinic")

    paginator = selectors.CappedPaginator(selectors.search_practices("harbor"), 3)

    assert paginator.is_capped
    first, second = paginator.page(1), paginator.page(2)
    equal_names = sorted([twin_a1, twin_a2, capital], key=lambda practice: practice.pk)
    assert list(first) == equal_names
    assert names_of(second) == ["harbor b clinic", "Northern Harbor Clinic"]
    assert last not in list(second)
    assert twin_b in list(second)


def test_every_page_of_a_capped_search_is_that_part_of_all_matches_in_name_order(
    cap_of_five, monkeypatch
):
    monkeypatch.setattr(selectors, "NAMES_READ_PER_ROW", 1)
    # Whichever six matches the count finds first, each page holds the matches that come
    # there in name order among all twelve.
    first_five = harbor_clinics_out_of_order(GREEK_LETTERS)

    assert names_on_pages_of_two("harbor") == first_five


def test_uncapped_results_keep_the_same_order(cap_of_five):
    later = PracticeFactory(legal_business_name="Harbor B")
    earlier = PracticeFactory(legal_business_name="harbor a")

    paginator = selectors.CappedPaginator(selectors.search_practices("harbor"), 20)

    assert not paginator.is_capped
    assert list(paginator.page(1)) == [earlier, later]


def test_a_short_prefix_over_the_cap_lists_the_first_names_in_order(cap_of_five):
    for number in (3, 6, 1, 2, 5, 4):
        PracticeFactory(legal_business_name=f"Ha Dental {number}")
    PracticeFactory(legal_business_name="Hb Clinic")
    PracticeFactory(legal_business_name="Alpha Ha Clinic")

    paginator = selectors.CappedPaginator(selectors.search_practices("ha"), 2)

    assert paginator.is_capped
    assert names_of(paginator.page(2)) == ["Ha Dental 3", "Ha Dental 4"]


def search_queries(client, query):
    # The session's first-request queries, and what the first search keeps of the names
    # (how far the first names go), are not the search's.
    client.get(SEARCH_URL, {"kind": "practice", "query": query})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH_URL, {"kind": "practice", "query": query})
    assert response.status_code == 200
    return len(queries)


def test_search_page_query_count_does_not_grow_with_the_number_of_practices(
    signed_in_client,
):
    harbor_practices(5)
    few = search_queries(signed_in_client, "harbor")
    for number in range(45):
        PracticeFactory(legal_business_name=f"Harbor Dental {number:02d}")
        PracticeFactory(legal_business_name=f"Lakeside Dental {number:02d}")

    assert search_queries(signed_in_client, "harbor") == few


def test_capped_search_page_query_count_does_not_grow_with_the_number_of_practices(
    signed_in_client, cap_of_five
):
    harbor_practices(6)
    few = search_queries(signed_in_client, "clinic")
    harbor_practices(50)

    assert search_queries(signed_in_client, "clinic") == few


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")
@pytest.mark.django_db(transaction=True)  # outside a transaction, as a request is
def test_a_search_is_planned_for_its_own_words_even_when_prepared():
    def setting(name):
        with connection.cursor() as cursor:
            cursor.execute(f"SHOW {name}")
            return cursor.fetchone()[0]

    with selectors._postgresql_planner_without("indexscan"):
        assert setting("plan_cache_mode") == "force_custom_plan"
        assert setting("enable_indexscan") == "off"
    assert setting("plan_cache_mode") == "auto"
    assert setting("enable_indexscan") == "on"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")
def test_a_search_counted_inside_a_callers_transaction_puts_the_planner_settings_back(
    cap_of_five,
):
    harbor_practices(7)
    paginator = selectors.CappedPaginator(selectors.search_practices("harbor"), 2)

    with transaction.atomic():
        assert paginator.count == 5  # counted outside get_page, which has its own transaction
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_indexscan")
            assert cursor.fetchone()[0] == "on"
            cursor.execute("SHOW plan_cache_mode")
            assert cursor.fetchone()[0] == "auto"


@pytest.fixture
def common_word(monkeypatch):
    """Have every search for a word inside names taken for a common one, counted among the
    first names (PostgreSQL's estimate decides otherwise; SQLite never asks)."""
    monkeypatch.setattr(selectors.CappedPaginator, "_counts_inside_names", lambda self: True)
    monkeypatch.setattr(
        selectors.CappedPaginator, "_expects_cap_among_first_names", lambda self: True
    )


def test_a_common_word_counted_among_the_first_names_lists_each_page_in_name_order(
    cap_of_five, common_word, monkeypatch
):
    monkeypatch.setattr(selectors, "COUNT_NAMES_READ", 9)
    first_five = harbor_clinics_out_of_order(GREEK_LETTERS[:10])

    assert names_on_pages_of_two("harbor") == first_five


def test_a_common_word_with_too_few_matches_among_the_first_names_is_counted_in_full(
    cap_of_five, common_word, monkeypatch
):
    # Among the first four names only three match: the count is not theirs.
    monkeypatch.setattr(selectors, "COUNT_NAMES_READ", 4)
    for name in ["Alpha Harbor", "Beta Harbor", "Chi Clinic", "Delta Harbor", "Eta Harbor"]:
        PracticeFactory(legal_business_name=name)

    paginator = selectors.CappedPaginator(selectors.search_practices("harbor"), 20)

    assert not paginator.is_capped
    assert paginator.count == 4
    assert names_of(paginator.page(1)) == [
        "Alpha Harbor",
        "Beta Harbor",
        "Delta Harbor",
        "Eta Harbor",
    ]


def test_matches_under_the_cap_are_listed_as_the_database_orders_names_accented_too():
    for name in [
        "Zoë Harbor",
        "Émile Harbor",
        "Zoe Harbor",
        "Ångström Harbor",
        "émile harbor",
        "Eve Harbor",
    ]:
        PracticeFactory(legal_business_name=name)
    results = selectors.search_practices("harbor")

    paginator = selectors.CappedPaginator(results, 20)

    assert not paginator.is_capped
    assert list(paginator.page(1)) == list(results)


def test_the_name_a_search_reads_the_first_names_up_to_is_read_once(cap_of_five):
    harbor_practices(9)
    practices = selectors.search_practices("clinic")
    window = 4

    with CaptureQueriesContext(connection) as first:
        selectors._name_at(practices.model, window)
    with CaptureQueriesContext(connection) as again:
        name = selectors._name_at(practices.model, window)

    assert len(first) >= 1
    assert len(again) == 0
    assert name == "HARBOR CLINIC 03"


def test_a_reference_data_import_has_the_name_read_again(cap_of_five):
    from organizations.signals import reference_data_changed

    harbor_practices(9)
    model = selectors.search_practices("clinic").model
    before = selectors._name_at(model, 4)
    PracticeFactory(legal_business_name="Aardvark Clinic")

    reference_data_changed.send(sender=None, report=None)

    assert before == "HARBOR CLINIC 03"
    assert selectors._name_at(model, 4) == "HARBOR CLINIC 02"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")
def test_a_search_inside_a_callers_transaction_leaves_its_planner_settings_as_they_were(
    cap_of_five,
):
    harbor_practices(9)

    def setting(name):
        with connection.cursor() as cursor:
            cursor.execute(f"SHOW {name}")
            return cursor.fetchone()[0]

    selectors.CappedPaginator(selectors.search_practices("harbor"), 2).get_page(2)

    assert connection.in_atomic_block  # the test's own transaction, as a caller's
    assert setting("plan_cache_mode") == "auto"
    assert [setting(f"enable_{method}") for method in ("seqscan", "indexscan", "bitmapscan")] == [
        "on",
        "on",
        "on",
    ]


@pytest.fixture
def first_ten_names_sampled_every_other(cap_of_five, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_NAMES_READ", 10)
    monkeypatch.setattr(selectors, "COUNT_NAMES_SAMPLED_EVERY", 2)


def test_a_word_in_enough_of_the_sampled_first_names_is_expected_past_the_cap_among_them(
    first_ten_names_sampled_every_other,
):
    # Every other one of the first ten names is sampled (A, C, E, G, I): three of them
    # hold "harbor", for about six among the ten, past the cap of five.
    for letter in "ABCDEFGHIJ":
        word = "Harbor" if letter in "ACE" else "Lakeside"
        PracticeFactory(legal_business_name=f"{letter} {word} Clinic")

    paginator = selectors.CappedPaginator(selectors.search_practices("harbor"), 20)

    assert paginator._expects_cap_among_first_names()


def test_a_word_common_only_past_the_first_names_is_not_expected_among_them(
    first_ten_names_sampled_every_other,
):
    # Two of the sampled first names hold "harbor" (about four among the ten); the ten
    # names after them all do.
    for letter in "ABCDEFGHIJ":
        word = "Harbor" if letter in "AC" else "Lakeside"
        PracticeFactory(legal_business_name=f"{letter} {word} Clinic")
    for letter in "KLMNOPQRST":
        PracticeFactory(legal_business_name=f"{letter} Harbor Clinic")

    paginator = selectors.CappedPaginator(selectors.search_practices("harbor"), 20)

    assert not paginator._expects_cap_among_first_names()
