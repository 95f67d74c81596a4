import json
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from accounts.drafts import SESSION_KEY
from accounts.forms import ProfileForm
from accounts.models import User, keyed_digest
from accounts.services import complete_identity_verification
from audit.models import AuditEvent
from tests.factories import UserFactory

from .assertions import field_error, has_field_error, text_of, value_of
from .factories import account_data, profile_data

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:register_profile")
TERMS = reverse("accounts:register_terms")
ACCOUNT = reverse("accounts:register_account")


def enter_profile(client, **overrides):
    return client.post(PROFILE, profile_data(**overrides))


def accept_terms(client):
    return client.post(TERMS, {"accept": "on"})


def reach_account_step(client, **profile_overrides):
    response = enter_profile(client, **profile_overrides)
    assert response.status_code == 302, "the profile was refused"
    accept_terms(client)


def register(client, profile=None, **account_overrides):
    reach_account_step(client, **(profile or {}))
    return client.post(ACCOUNT, account_data(**account_overrides))


# The whole flow


def test_register_link_starts_at_the_profile_step(client):
    response = client.get(reverse("accounts:register"))
    assert response.status_code == 302
    assert response.url == PROFILE


def test_profile_then_terms_then_account_lands_on_proofing_signed_in(client):
    response = register(client)
    assert response.status_code == 302
    assert response.url == reverse("proofing:start")
    assert client.get(reverse("proofing:start")).status_code == 200
    user = User.objects.get(username="jrivera01")
    assert int(client.session["_auth_user_id"]) == user.pk


def test_new_account_has_an_unverified_identity(client):
    register(client)
    user = User.objects.get(username="jrivera01")
    assert user.identity_status == User.IdentityStatus.UNVERIFIED
    assert user.identity_verified_at is None


def test_new_account_keeps_every_profile_field(client):
    register(client)
    user = User.objects.get(username="jrivera01")
    assert (user.first_name, user.last_name) == ("Jordan", "Rivera")
    assert user.email == "jordan.rivera@example.com"
    assert user.phone == "+12025550143"
    assert user.date_of_birth == date(1986, 4, 28)
    assert user.ssn == "234567890"
    assert (user.street_address, user.address_line_2) == ("1600 Pennsylvania Ave NW", "Apt 4")
    assert (user.city, user.state, user.zip_code) == ("Washington", "DC", "20500")


def test_registration_clears_the_draft_from_the_session(client):
    register(client)
    assert SESSION_KEY not in client.session


def test_registration_is_audited(client):
    register(client)
    user = User.objects.get(username="jrivera01")
    actions = set(AuditEvent.objects.filter(subject=user).values_list("action", flat=True))
    assert {AuditEvent.Action.ACCOUNT_REGISTERED, AuditEvent.Action.TERMS_ACCEPTED} <= actions


def test_registration_without_ssn_is_accepted(client):
    register(client, profile={"ssn": ""})
    user = User.objects.get(username="jrivera01")
    assert not user.ssn  # stored as NULL by the encrypted field
    assert user.ssn_digest == ""


def test_signed_in_person_is_sent_home_from_the_profile_step(signed_in_client):
    response = signed_in_client.get(PROFILE)
    assert response.status_code == 302
    assert response.url == reverse("accounts:home")


# Resuming


def test_leaving_and_coming_back_keeps_the_entered_profile(client):
    enter_profile(client)
    client.get(reverse("accounts:sign_in"))
    response = client.get(PROFILE)
    assert value_of(response, "first_name") == "Jordan"
    assert value_of(response, "email") == "jordan.rivera@example.com"
    assert value_of(response, "city") == "Washington"
    assert value_of(response, "state") == "DC"


def test_resumed_profile_does_not_render_the_ssn(client):
    enter_profile(client)
    content = client.get(PROFILE).content.decode()
    assert "234-56-7890" not in content
    assert "234567890" not in content
    assert value_of(client.get(PROFILE), "ssn") == ""


def test_resumed_profile_does_not_render_the_date_of_birth(client):
    enter_profile(client)
    content = client.get(PROFILE).content.decode()
    assert "04/28/1986" not in content
    assert "1986-04-28" not in content


def test_resumed_profile_hints_show_masked_ssn_and_date_of_birth(client):
    enter_profile(client)
    response = client.get(PROFILE)
    assert "***-**-7890" in text_of(response, "id_ssn_hint")
    assert "**/**/1986" in text_of(response, "id_date_of_birth_hint")


def test_resumed_profile_with_blank_ssn_and_date_of_birth_keeps_them(client):
    enter_profile(client)
    enter_profile(client, first_name="Jordana", ssn="", date_of_birth="")
    accept_terms(client)
    client.post(ACCOUNT, account_data())
    user = User.objects.get(username="jrivera01")
    assert user.first_name == "Jordana"
    assert user.ssn == "234567890"
    assert user.date_of_birth == date(1986, 4, 28)


def test_resumed_profile_with_a_new_ssn_replaces_it(client):
    enter_profile(client)
    enter_profile(client, ssn="345-67-8901", date_of_birth="")
    accept_terms(client)
    client.post(ACCOUNT, account_data())
    assert User.objects.get(username="jrivera01").ssn == "345678901"


def test_draft_in_the_session_holds_no_plain_ssn_or_date_of_birth(client):
    enter_profile(client)
    stored = json.dumps(client.session[SESSION_KEY])
    assert "234567890" not in stored
    assert "1986-04-28" not in stored


# Steps cannot be skipped


def test_terms_step_before_the_profile_goes_back_to_the_profile(client):
    response = client.get(TERMS)
    assert response.status_code == 302
    assert response.url == PROFILE


def test_account_step_before_the_profile_goes_back_to_the_profile(client):
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response.url == PROFILE


def test_account_step_before_the_terms_goes_back_to_the_terms(client):
    enter_profile(client)
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response.url == TERMS


def test_posting_an_account_before_the_terms_creates_nothing(client):
    enter_profile(client)
    response = client.post(ACCOUNT, account_data())
    assert response.url == TERMS
    assert not User.objects.filter(username="jrivera01").exists()


def test_posting_an_account_without_any_draft_creates_nothing(client):
    client.post(ACCOUNT, account_data())
    assert not User.objects.exists()


# Profile fields: messages beside the field, summary at the top, nothing lost

REQUIRED_PROFILE_FIELDS = [
    "first_name",
    "last_name",
    "date_of_birth",
    "email",
    "phone",
    "street_address",
    "city",
    "state",
    "zip_code",
]


@pytest.mark.parametrize("field", REQUIRED_PROFILE_FIELDS)
def test_empty_required_profile_field_is_refused_beside_the_field_naming_it(client, field):
    response = enter_profile(client, **{field: ""})
    assert response.status_code == 200
    label = ProfileForm()[field].label.lower()
    message = field_error(response, field)
    assert message.startswith(("Enter ", "Select ")) and label in message.lower()


@pytest.mark.parametrize("field", ["address_line_2", "ssn"])
def test_optional_profile_field_may_be_empty(client, field):
    response = enter_profile(client, **{field: ""})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "field, value",
    [
        ("first_name", "J" * 51),
        ("last_name", "R" * 51),
        ("email", "j" * 245 + "@example.com"),
        ("phone", "2" * 26),
        ("street_address", "1" * 101),
        ("address_line_2", "A" * 101),
        ("city", "W" * 61),
        ("zip_code", "20500-12345"),
        ("ssn", "234-56-78900"),
    ],
)
def test_too_long_profile_field_is_refused_beside_the_field(client, field, value):
    response = enter_profile(client, **{field: value})
    assert response.status_code == 200
    assert field_error(response, field)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("email", "not-an-email", "valid email"),
        ("email", "jordan@", "valid email"),
        ("phone", "555-0143", "valid phone number"),
        ("phone", "call me", "valid phone number"),
        ("zip_code", "2050", "ZIP code of 5 digits"),
        ("zip_code", "20500-12", "ZIP code of 5 digits"),
        ("zip_code", "ABCDE", "ZIP code of 5 digits"),
        ("state", "XX", "valid choice"),
        ("state", "Ontario", "valid choice"),
        ("date_of_birth", "02/30/1990", "MM/DD/YYYY"),
        ("date_of_birth", "yesterday", "MM/DD/YYYY"),
        ("date_of_birth", "13/01/1990", "MM/DD/YYYY"),
        ("ssn", "12345678", "9 digits"),
        ("ssn", "123-45-678a", "9 digits"),
        ("first_name", "Jordan2", "letters"),
        ("last_name", "Rivera;", "letters"),
    ],
)
def test_wrongly_formatted_profile_field_is_refused_with_a_message(client, field, value, message):
    response = enter_profile(client, **{field: value})
    assert message in field_error(response, field)


HOSTILE = ["<script>alert(1)</script>", "' OR 1=1 --", "Jo😀rdan", "\u202eanidroJ"]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_hostile_name_is_refused(client, field, value):
    response = enter_profile(client, **{field: value})
    assert response.status_code == 200
    assert "letters" in field_error(response, field)


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("field", ["street_address", "address_line_2", "city"])
def test_hostile_address_is_refused(client, field, value):
    response = enter_profile(client, **{field: value})
    assert response.status_code == 200
    assert field_error(response, field)


@pytest.mark.parametrize("field", ["email", "phone", "zip_code", "state", "date_of_birth", "ssn"])
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_input_in_other_profile_fields_is_refused(client, field, value):
    response = enter_profile(client, **{field: value})
    assert response.status_code == 200
    assert field_error(response, field)


def test_hostile_input_is_escaped_when_the_form_is_shown_again(client):
    response = enter_profile(client, first_name="<script>alert(1)</script>")
    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


@pytest.mark.parametrize(
    "first_name, last_name",
    [
        ("Zoë", "Ångström"),
        ("José María", "Núñez-O'Brien"),
        ("Jr.", "St. James"),
        ("שרה", "כהן"),
        ("محمد", "العلي"),
        ("Nguyễn", "Thị Minh"),
    ],
)
def test_names_in_any_alphabet_are_accepted(client, first_name, last_name):
    register(client, profile={"first_name": first_name, "last_name": last_name})
    user = User.objects.get(username="jrivera01")
    assert (user.first_name, user.last_name) == (first_name, last_name)


def test_accented_city_is_accepted(client):
    response = enter_profile(client, city="San Germán")
    assert response.status_code == 302


def test_other_entered_values_are_kept_when_one_field_is_refused(client):
    response = enter_profile(client, email="not-an-email")
    assert value_of(response, "first_name") == "Jordan"
    assert value_of(response, "last_name") == "Rivera"
    assert value_of(response, "phone") == "(202) 555-0143"
    assert value_of(response, "street_address") == "1600 Pennsylvania Ave NW"
    assert value_of(response, "city") == "Washington"
    assert value_of(response, "state") == "DC"
    assert value_of(response, "zip_code") == "20500"
    assert value_of(response, "date_of_birth") == ""  # kept, shown masked (test_refused_profile_*)
    assert value_of(response, "email") == "not-an-email"


def test_refused_profile_does_not_render_the_ssn_back(client):
    response = enter_profile(client, email="not-an-email")
    content = response.content.decode()
    assert "234-56-7890" not in content
    assert "234567890" not in content


def test_valid_ssn_in_a_refused_profile_is_kept_for_the_next_try(client):
    response = enter_profile(client, email="not-an-email")
    assert "***-**-7890" in text_of(response, "id_ssn_hint")
    enter_profile(client, ssn="")
    accept_terms(client)
    client.post(ACCOUNT, account_data())
    assert User.objects.get(username="jrivera01").ssn == "234567890"


def test_error_summary_links_to_every_refused_field(client):
    response = enter_profile(client, email="", zip_code="1")
    content = response.content.decode()
    assert 'id="error-summary"' in content
    assert 'href="#id_email"' in content
    assert 'href="#id_zip_code"' in content


def test_fields_without_errors_are_not_marked_invalid(client):
    response = enter_profile(client, email="")
    assert not has_field_error(response, "first_name")


# Date of birth


def test_date_of_birth_in_the_future_is_refused(client):
    tomorrow = date.today() + timedelta(days=1)
    response = enter_profile(client, date_of_birth=tomorrow.strftime("%m/%d/%Y"))
    assert "in the past" in field_error(response, "date_of_birth")


def test_date_of_birth_of_someone_under_18_is_refused(client):
    born = date.today().replace(year=date.today().year - 17)
    response = enter_profile(client, date_of_birth=born.strftime("%m/%d/%Y"))
    assert "at least 18" in field_error(response, "date_of_birth")


def test_date_of_birth_in_iso_format_is_accepted(client):
    assert enter_profile(client, date_of_birth="1986-04-28").status_code == 302


# Phone, ZIP and state


@pytest.mark.parametrize("value", ["(202) 555-0143", "202.555.0143", "+1 202-555-0143"])
def test_phone_is_stored_in_e164(client, value):
    register(client, profile={"phone": value})
    assert User.objects.get(username="jrivera01").phone == "+12025550143"


@pytest.mark.parametrize("value", ["20500", "20500-0003"])
def test_zip_and_zip_plus_four_are_accepted(client, value):
    register(client, profile={"zip_code": value})
    assert User.objects.get(username="jrivera01").zip_code == value


@pytest.mark.parametrize("state", ["PR", "GU", "VI", "AS", "MP", "DC", "WY"])
def test_states_districts_and_territories_are_accepted(client, state):
    assert enter_profile(client, state=state).status_code == 302


# SSN


@pytest.mark.parametrize(
    "ssn", ["000-12-3456", "666-12-3456", "900-12-3456", "123-00-4567", "123-45-0000"]
)
def test_ssn_with_an_impossible_part_is_refused(client, ssn):
    response = enter_profile(client, ssn=ssn)
    assert "not a valid Social Security Number" in field_error(response, "ssn")


@pytest.mark.parametrize("ssn", ["234567890", "234-56-7890", "234 56 7890"])
def test_ssn_with_or_without_separators_is_accepted(client, ssn):
    register(client, profile={"ssn": ssn})
    assert User.objects.get(username="jrivera01").ssn == "234567890"


def raw_column(user, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM accounts_user WHERE id = %s", [user.pk])  # noqa: S608
        return str(cursor.fetchone()[0])


def test_ssn_is_encrypted_at_rest(client):
    register(client)
    raw = raw_column(User.objects.get(username="jrivera01"), "ssn")
    assert raw
    assert "234567890" not in raw
    assert "7890" not in raw


def test_ssn_keyed_digest_is_stored_for_duplicate_detection(client):
    register(client)
    user = User.objects.get(username="jrivera01")
    assert user.ssn_digest == keyed_digest("234567890", "ssn")
    assert "234567890" not in user.ssn_digest


def test_date_of_birth_is_encrypted_at_rest(client):
    register(client)
    raw = raw_column(User.objects.get(username="jrivera01"), "date_of_birth")
    assert "1986" not in raw
    assert "04-28" not in raw


def test_ssn_and_date_of_birth_are_never_in_the_audit_log(client):
    register(client)
    user = User.objects.get(username="jrivera01")
    complete_identity_verification(user=user, method="test")
    details = json.dumps(list(AuditEvent.objects.values("detail", "user_agent")))
    for secret in ["234567890", "234-56-7890", "1986-04-28", "04/28/1986"]:
        assert secret not in details


def test_ssn_and_date_of_birth_are_never_in_emails(client, django_capture_on_commit_callbacks):
    register(client)
    user = User.objects.get(username="jrivera01")
    with django_capture_on_commit_callbacks(execute=True):
        complete_identity_verification(user=user, method="test")
    assert mail.outbox, "the account-created email was not sent"
    for message in mail.outbox:
        text = message.subject + message.body
        for secret in ["234567890", "234-56-7890", "7890", "1986"]:
            assert secret not in text


# Terms


def test_terms_not_accepted_are_refused(client):
    enter_profile(client)
    response = client.post(TERMS, {})
    assert "must accept the Terms and Conditions" in field_error(response, "accept")


def test_terms_version_and_time_are_recorded(client):
    register(client)
    user = User.objects.get(username="jrivera01")
    assert user.terms_version == settings.TERMS_VERSION
    assert user.terms_accepted_at is not None
    event = AuditEvent.objects.get(subject=user, action=AuditEvent.Action.TERMS_ACCEPTED)
    assert event.detail == {"version": settings.TERMS_VERSION}


def test_terms_page_shows_the_version(client):
    enter_profile(client)
    assert settings.TERMS_VERSION in client.get(TERMS).content.decode()


# User ID


@pytest.mark.parametrize(
    "username, message",
    [
        ("", "Enter user ID."),
        ("abcd", "at least 5 characters"),
        ("jo doe", "only letters, digits and the symbols . _ - @"),
        ("<script>alert(1)</script>", "only letters, digits"),
        ("' OR 1=1 --", "only letters, digits"),
        ("zoëångström", "only letters, digits"),
        ("jordan😀", "only letters, digits"),
        ("a" * 65, "at most 64"),
    ],
)
def test_bad_user_id_says_which_rule_failed(client, username, message):
    response = register(client, username=username)
    assert message in field_error(response, "username")
    assert not User.objects.exists()


def test_user_id_taken_in_another_case_is_refused(client):
    UserFactory(username="JRivera01")
    response = register(client, username="jrivera01")
    assert "taken" in field_error(response, "username")


def test_user_id_is_unique_case_insensitively_in_the_database():
    UserFactory(username="Alice1")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="alice1")


def test_sign_in_ignores_the_case_of_the_user_id(client):
    register(client, username="JRivera01")
    assert User.objects.get_by_natural_key("jrivera01").username == "JRivera01"


# Password


@pytest.mark.parametrize(
    "password, message",
    [
        ("Sun.Mead42x", "at least 12 characters"),
        ("sunny.meadow42x", "an uppercase letter"),
        ("SUNNY.MEADOW42X", "a lowercase letter"),
        ("Sunny.Meadowxyz", "a number"),
        ("SunnyMeadow42xy", "a symbol"),
        ("Sunny.Meadow42?", "Use letters, digits and these symbols only: . ! @ # $ % ^ & *"),
        ("Sunny Meadow.42", "a space"),
        ("Sunny.Meadow42é", "not allowed"),
        ("Pe#5gz29ptzmse", "too common"),
        ("Xjrivera01.Pass", "must not contain your User ID"),
        ("JORDAN.Pass9word", "must not contain your first name"),
        ("Pass9.rivera.wd", "must not contain your last name"),
    ],
)
def test_password_breaking_a_rule_is_refused_with_its_message(client, password, message):
    response = register(client, password1=password, password2=password)
    assert message in field_error(response, "password1")
    assert not User.objects.exists()


def test_password_confirmation_must_match(client):
    response = register(client, password2="Sunny.Meadow42y")
    assert "do not match" in field_error(response, "password2")
    assert not User.objects.exists()


def test_passwords_are_not_rendered_back_in_a_refused_form(client):
    response = register(client, username="abc", challenge_answer="Rex the Dog")
    assert "Sunny.Meadow42x" not in response.content.decode()
    assert value_of(response, "username") == "abc"
    assert value_of(response, "challenge_question") == "first_pet"
    assert value_of(response, "challenge_answer") == "Rex the Dog"


def test_argon2_is_the_first_password_hasher_in_base_settings():
    from qpp_portal.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_new_account_starts_its_password_history(client):
    register(client)
    user = User.objects.get(username="jrivera01")
    assert user.password_history.count() == 1
    assert user.check_password("Sunny.Meadow42x")


# Challenge question


def test_challenge_question_must_come_from_the_list(client):
    response = register(client, challenge_question="favourite_colour")
    assert "valid choice" in field_error(response, "challenge_question")


def test_challenge_answer_is_required(client):
    response = register(client, challenge_answer="  ")
    assert field_error(response, "challenge_answer") == "Enter challenge answer."


def test_challenge_answer_is_stored_hashed(client):
    register(client)
    user = User.objects.get(username="jrivera01")
    assert "Rex" not in user.challenge_answer
    assert "rex" not in user.challenge_answer
    assert identify_hasher(user.challenge_answer)


def test_challenge_answer_is_compared_ignoring_case_and_spaces(client):
    register(client)
    user = User.objects.get(username="jrivera01")
    assert user.check_challenge_answer("  rex   THE dog ")
    assert not user.check_challenge_answer("Rex the Cat")
