from datetime import date

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from accounts.forms import normalize_phone
from accounts.models import User, normalize_challenge_answer
from accounts.validators import (
    PasswordCharacterClassesValidator,
    PasswordHistoryValidator,
    PasswordPersonalInformationValidator,
    validate_date_of_birth,
    validate_ssn,
    validate_user_id,
)


def error_code(callable_, *args, **kwargs):
    with pytest.raises(ValidationError) as caught:
        callable_(*args, **kwargs)
    return caught.value.error_list[0].code


# User ID


@pytest.mark.parametrize("value", ["abcde", "jo.doe", "J_Doe-1", "jane@example.com", "a" * 64])
def test_user_id_of_allowed_characters_and_length_is_accepted(value):
    validate_user_id(value)


def test_user_id_shorter_than_five_characters_says_so():
    with pytest.raises(ValidationError) as caught:
        validate_user_id("abcd")
    assert caught.value.code == "user_id_too_short"
    assert "at least 5 characters" in caught.value.messages[0]


def test_user_id_longer_than_64_characters_says_so():
    assert error_code(validate_user_id, "a" * 65) == "user_id_too_long"


@pytest.mark.parametrize(
    "value", ["jane doe", "jane!doe", "<script>", "' OR 1=1 --", "zoë123", "jane😀doe", "שלוםשלום"]
)
def test_user_id_with_other_characters_names_the_allowed_symbols(value):
    with pytest.raises(ValidationError) as caught:
        validate_user_id(value)
    assert caught.value.code == "user_id_characters"
    assert ". _ - @" in caught.value.messages[0]


# Password


def test_password_with_every_character_class_is_accepted():
    PasswordCharacterClassesValidator().validate("Sunny.Meadow42x")


@pytest.mark.parametrize(
    "password, missing",
    [
        ("SUNNY.MEADOW42X", "a lowercase letter"),
        ("sunny.meadow42x", "an uppercase letter"),
        ("Sunny.Meadowxyz", "a number"),
        ("SunnyMeadow42xy", "a symbol"),
    ],
)
def test_password_missing_a_character_class_says_which(password, missing):
    with pytest.raises(ValidationError) as caught:
        PasswordCharacterClassesValidator().validate(password)
    assert caught.value.code == "password_missing_character_class"
    assert missing in caught.value.messages[0]


@pytest.mark.parametrize("symbol", list(".!@#$%^&*"))
def test_password_with_each_allowed_symbol_is_accepted(symbol):
    PasswordCharacterClassesValidator().validate(f"Sunny{symbol}Meadow42x")


@pytest.mark.parametrize("symbol", ["?", "-", "_", "(", " ", "~", "é", "😀", "<"])
def test_password_with_another_symbol_is_refused_with_the_list_of_allowed_ones(symbol):
    with pytest.raises(ValidationError) as caught:
        PasswordCharacterClassesValidator().validate(f"Sunny.Meadow42x{symbol}")
    assert caught.value.code == "password_disallowed_character"
    assert ". ! @ # $ % ^ & *" in caught.value.messages[0]


@pytest.mark.parametrize(
    "password, label",
    [
        ("Xjrivera01.Pass9", "User ID"),
        ("JORDAN.Pass9word", "first name"),
        ("Pass9.rivera.word", "last name"),
    ],
)
def test_password_containing_the_user_id_or_name_is_refused(password, label):
    user = User(username="jrivera01", first_name="Jordan", last_name="Rivera")
    with pytest.raises(ValidationError) as caught:
        PasswordPersonalInformationValidator().validate(password, user)
    assert caught.value.code == "password_contains_personal_information"
    assert label in caught.value.messages[0]


def test_password_shorter_than_twelve_characters_is_refused_by_the_configured_validators():
    with pytest.raises(ValidationError) as caught:
        password_validation.validate_password("Sun.Mead42x")
    assert "password_too_short" in [e.code for e in caught.value.error_list]


def test_common_password_is_refused_by_the_configured_validators():
    # On Django's list of common passwords (compared case-insensitively), yet of every class.
    with pytest.raises(ValidationError) as caught:
        password_validation.validate_password("Pe#5gz29ptzmse")
    assert "password_too_common" in [e.code for e in caught.value.error_list]


def test_configured_validators_include_the_portal_rules():
    names = [type(v).__name__ for v in password_validation.get_default_password_validators()]
    assert names == [
        "MinimumLengthValidator",
        "PasswordCharacterClassesValidator",
        "PasswordPersonalInformationValidator",
        "CommonPasswordValidator",
        "PasswordHistoryValidator",
    ]


@pytest.mark.django_db
def test_password_history_validator_refuses_one_of_the_last_six(person):
    from accounts.services import set_password

    passwords = [f"Sunny.Meadow4{n}x" for n in range(6)]
    for password in passwords:
        set_password(user=person, password=password)
    with pytest.raises(ValidationError) as caught:
        PasswordHistoryValidator(history_size=6).validate(passwords[0], person)
    assert caught.value.code == "password_reused"


@pytest.mark.django_db
def test_password_history_validator_accepts_the_seventh_most_recent(person):
    from accounts.services import set_password

    for n in range(6):
        set_password(user=person, password=f"Sunny.Meadow4{n}x")
    # The factory's password is now the seventh most recent.
    from tests.factories import DEFAULT_PASSWORD

    PasswordHistoryValidator(history_size=6).validate(DEFAULT_PASSWORD, person)


# SSN


@pytest.mark.parametrize("value", ["123456789", "001010001", "665999999", "899121234"])
def test_ssn_of_valid_shape_is_accepted(value):
    validate_ssn(value)


@pytest.mark.parametrize("value", ["12345678", "1234567890", "12345678a", "", "<script>"])
def test_ssn_not_of_nine_digits_is_a_format_error(value):
    assert error_code(validate_ssn, value) == "ssn_format"


@pytest.mark.parametrize(
    "value",
    ["000121234", "666121234", "900121234", "999121234", "123001234", "123450000"],
)
def test_ssn_with_impossible_area_group_or_serial_is_refused(value):
    assert error_code(validate_ssn, value) == "ssn_invalid"


# Date of birth


def test_date_of_birth_today_is_in_the_future_for_the_rules():
    assert error_code(validate_date_of_birth, date(2026, 1, 1), today=date(2026, 1, 1)) == (
        "dob_future"
    )


def test_date_of_birth_of_a_seventeen_year_old_is_refused():
    today = date(2026, 6, 15)
    assert error_code(validate_date_of_birth, date(2008, 6, 16), today=today) == "dob_too_young"


def test_date_of_birth_of_someone_turning_eighteen_today_is_accepted():
    validate_date_of_birth(date(2008, 6, 15), today=date(2026, 6, 15))


def test_date_of_birth_more_than_120_years_ago_is_refused():
    assert error_code(validate_date_of_birth, date(1900, 1, 1), today=date(2026, 1, 1)) == (
        "dob_too_old"
    )


# Phone and challenge answer


@pytest.mark.parametrize(
    "value", ["(202) 555-0143", "202-555-0143", "2025550143", "+1 202 555 0143", "1-202-555-0143"]
)
def test_phone_is_normalised_to_e164(value):
    assert normalize_phone(value) == "+12025550143"


@pytest.mark.parametrize("value", ["555-0143", "12345", "not a phone", "(000) 000-0000", "<b>"])
def test_invalid_phone_is_refused(value):
    with pytest.raises(ValidationError) as caught:
        normalize_phone(value)
    assert caught.value.code == "phone_invalid"


def test_challenge_answer_is_normalised_ignoring_case_and_spaces():
    assert normalize_challenge_answer("  Rex   THE dog ") == normalize_challenge_answer(
        "rex the Dog"
    )
