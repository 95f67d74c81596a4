import html

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from proofing.credit import generate_credit_file
from proofing.models import CreditFile
from proofing.services import ensure_credit_file
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FACTS = [
    "mortgage_servicer",
    "auto_lender",
    "student_loan_servicer",
    "credit_card_issuers",
    "current_employer",
    "previous_employer",
    "bedrooms",
    "previous_addresses",
]
PROFILE = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "street_address": "12 Harbor Rd",
    "city": "Portland",
    "state": "ME",
    "zip_code": "04101",
}


def facts(credit):
    return model_to_dict(credit, fields=FACTS)


def test_same_profile_gives_the_same_credit_file():
    first = UserFactory(unverified=True, **PROFILE)
    again = UserFactory(unverified=True, password__ssn="987654321", **PROFILE)
    one = ensure_credit_file(user=first)
    assert facts(one) == facts(ensure_credit_file(user=again))
    CreditFile.objects.all().delete()
    assert facts(ensure_credit_file(user=first)) == facts(one)


def test_different_people_get_different_files():
    files = {
        str(generate_credit_file(UserFactory.build(**{**PROFILE, "first_name": f"Person{n}"})))
        for n in range(5)
    }
    assert len(files) == 5


def test_a_changed_address_gives_a_new_file():
    user = UserFactory(unverified=True, **PROFILE)
    before = ensure_credit_file(user=user)
    user.street_address = "99 Elm St"
    user.save()
    after = ensure_credit_file(user=user)
    assert after.pk == before.pk
    assert after.profile_digest != before.profile_digest


def test_credit_file_never_holds_the_ssn():
    user = UserFactory(unverified=True, password__ssn="555443333")
    credit = ensure_credit_file(user=user)
    stored = str(model_to_dict(credit)) + credit.profile_digest
    assert "555443333" not in stored
    assert "3333" not in str(facts(credit))


def test_files_are_realistic_and_none_of_the_above_is_sometimes_right():
    files = [
        generate_credit_file(UserFactory.build(**{**PROFILE, "first_name": f"P{n}"}))
        for n in range(40)
    ]
    assert any(not f["auto_lender"] for f in files)
    assert any(f["auto_lender"] for f in files)
    assert any(not f["mortgage_servicer"] for f in files)
    assert all(1 <= f["bedrooms"] <= 6 for f in files)
    assert all(f["current_employer"] for f in files)


def test_sandbox_credit_file_page_shows_the_answers(proofing_client, unverified, settings):
    settings.SANDBOX_ENABLED = True
    response = proofing_client.get(reverse("proofing:credit_file"))
    assert response.status_code == 200
    credit = unverified.credit_file
    assert html.escape(credit.current_employer) in response.content.decode()


def test_quiz_page_links_to_the_sandbox_credit_file(proofing_client, settings):
    settings.SANDBOX_ENABLED = True
    proofing_client.post(reverse("proofing:start"))
    page = proofing_client.get(reverse("proofing:questions"))
    assert "Sandbox: show my simulated credit file" in page.content.decode()


def test_sandbox_credit_file_page_404s_when_the_sandbox_is_off(proofing_client, settings):
    settings.SANDBOX_ENABLED = False
    assert proofing_client.get(reverse("proofing:credit_file")).status_code == 404
    proofing_client.post(reverse("proofing:start"))
    page = proofing_client.get(reverse("proofing:questions"))
    assert "Sandbox: show my simulated credit file" not in page.content.decode()
