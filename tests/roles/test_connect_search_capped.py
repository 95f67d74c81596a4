"""Connect to an Organization: the search counts at most organizations.selectors.COUNT_CAP
matches, as the public search does, and says so."""

import pytest
from django.urls import reverse

from organizations import selectors
from tests.organizations.factories import PracticeFactory

pytestmark = pytest.mark.django_db
FIND_PRACTICE = reverse("roles:connect_find", args=["practice"])


def test_a_common_word_shows_a_capped_count_and_asks_for_more_of_the_name(
    signed_in_client, monkeypatch
):
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    for number in range(5):
        PracticeFactory(legal_business_name=f"Harbor Clinic {number}")
    html = signed_in_client.get(FIND_PRACTICE, {"query": "harbor"}).content.decode()
    assert "3+ matches for “harbor”; only the first 3 are listed" in html
    assert "Harbor Clinic 2" in html
    assert "Harbor Clinic 3" not in html


def test_a_rare_word_shows_its_exact_count(signed_in_client, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    PracticeFactory(legal_business_name="Quayside Family Care")
    PracticeFactory(legal_business_name="Quayside Pediatrics")
    html = signed_in_client.get(FIND_PRACTICE, {"query": "quayside"}).content.decode()
    assert "2 matches for “quayside”." in html
