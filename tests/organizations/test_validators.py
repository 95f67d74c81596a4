import pytest
from django.core.exceptions import ValidationError

from organizations import validators


def error_code(validate, value):
    with pytest.raises(ValidationError) as caught:
        validate(value)
    return caught.value.code


@pytest.mark.parametrize("npi", ["1234567893", "1245319599", "1003000126", "2234567891"])
def test_npi_with_right_check_digit_is_accepted(npi):
    validators.validate_npi(npi)


@pytest.mark.parametrize(
    "npi",
    # Real-shape NPIs, each one digit off its valid neighbour (typo or transposition).
    ["1234567890", "1234567894", "1245319598", "1003000127", "1243567893"],
)
def test_npi_with_wrong_check_digit_is_refused(npi):
    assert error_code(validators.validate_npi, npi) == "npi_check_digit"


@pytest.mark.parametrize(
    "npi", ["123456789", "12345678931", "12345A7893", "", "１２３４５６７８９３"]
)
def test_npi_that_is_not_ten_ascii_digits_is_refused(npi):
    assert error_code(validators.validate_npi, npi) == "npi_format"


def test_npi_starting_with_another_digit_than_1_or_2_is_refused():
    nine = "323456789"
    npi = nine + str(validators.npi_check_digit(nine))
    assert error_code(validators.validate_npi, npi) == "npi_first_digit"


def test_npi_check_digit_is_luhn_over_prefix_80840():
    assert validators.npi_check_digit("123456789") == 3
    assert validators.luhn_check_digit("80840123456789") == 3
    assert validators.luhn_check_digit("7992739871") == 3


@pytest.mark.parametrize("tin", ["123456789", "987654321", "010000001"])
def test_nine_digit_tin_is_accepted(tin):
    validators.validate_tin(tin)


@pytest.mark.parametrize(
    "tin", ["12345678", "1234567890", "12-345678", "12345678A", "", "１２３４５６７８９"]
)
def test_tin_that_is_not_nine_digits_is_refused(tin):
    assert error_code(validators.validate_tin, tin) == "tin_format"


def test_all_zero_tin_is_refused():
    assert error_code(validators.validate_tin, "000000000") == "tin_zeros"


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [("12-3456789", "123456789"), (" 123 45 6789 ", "123456789"), ("123-45-6789", "123456789")],
)
def test_tin_is_normalized_without_dashes_and_spaces(raw, normalized):
    assert validators.normalize_tin(raw) == normalized


@pytest.mark.parametrize("ptan", ["123456", "A12345", "0AB1234567", "GRP12345"])
def test_ptan_of_six_to_ten_letters_and_digits_is_accepted(ptan):
    validators.validate_ptan(ptan)


@pytest.mark.parametrize("ptan", ["12345", "12345678901", "A1234-5", "a12345", "", "Ä12345"])
def test_ptan_of_other_shape_is_refused(ptan):
    assert error_code(validators.validate_ptan, ptan) == "ptan_format"


def test_ptan_is_normalized_to_upper_case_without_spaces():
    assert validators.normalize_ptan(" a1 2345 ") == "A12345"


@pytest.mark.parametrize("entity_id", ["A1234", "V123", "BPCIA-1115", "OCM-5378"])
def test_apm_entity_id_is_accepted(entity_id):
    validators.validate_apm_entity_id(entity_id)


@pytest.mark.parametrize("entity_id", ["A1", "-A1234", "A 1234", "A" * 21, ""])
def test_malformed_apm_entity_id_is_refused(entity_id):
    assert error_code(validators.validate_apm_entity_id, entity_id) == "apm_entity_id_format"


@pytest.mark.parametrize(
    ("registry_id", "valid"), [("Q0001", True), ("Q01", False), ("Q-001", False)]
)
def test_registry_id_is_four_to_twelve_letters_and_digits(registry_id, valid):
    if valid:
        validators.validate_registry_id(registry_id)
    else:
        assert error_code(validators.validate_registry_id, registry_id) == "registry_id_format"


def test_validator_messages_say_what_to_enter():
    with pytest.raises(ValidationError) as caught:
        validators.validate_ptan("12")
    assert caught.value.messages == ["Enter a PTAN of 6 to 10 letters and digits."]
