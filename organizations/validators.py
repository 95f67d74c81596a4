"""Validators for the identifiers of CMS enrollment records: TIN, NPI, PTAN, APM Entity ID,
registry ID and virtual group ID.

Each is a small function that takes an already-normalised value (see the ``normalize_*``
functions) and raises ``ValidationError`` with a stable ``code`` and a message a person can
act on. The same functions guard forms, the reference-data import and the generator's tests.
"""

import re

from django.core.exceptions import ValidationError

TIN_LENGTH = 9
NPI_LENGTH = 10
# The NPI check digit is the Luhn check digit of the first nine digits prefixed with 80840,
# the ISO issuer prefix of the United States health industry (CMS NPI standard).
NPI_LUHN_PREFIX = "80840"
# Type 1 (individual) and type 2 (organization) NPIs both start with 1 or 2.
NPI_FIRST_DIGITS = "12"
# PTANs are issued by each Medicare Administrative Contractor in its own format: CMS PTANs
# seen in the wild are 6 to 10 letters and digits (e.g. "123456", "A12345", "0AB1234567").
PTAN_MIN_LENGTH = 6
PTAN_MAX_LENGTH = 10
APM_ENTITY_ID_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,19}$")
REGISTRY_ID_PATTERN = re.compile(r"^[A-Z0-9]{4,12}$")
# CMS writes a virtual group's identifier as VG- and five digits (VG-12345).
VIRTUAL_GROUP_ID_PATTERN = re.compile(r"^VG-[0-9]{5}$")
PTAN_PATTERN = re.compile(rf"^[A-Z0-9]{{{PTAN_MIN_LENGTH},{PTAN_MAX_LENGTH}}}$")

TIN_HELP_TEXT = "9 digits, for example 12-3456789."
NPI_HELP_TEXT = "10 digits, for example 1234567893."
PTAN_HELP_TEXT = f"{PTAN_MIN_LENGTH} to {PTAN_MAX_LENGTH} letters and digits."


def normalize_tin(value):
    """Return ``value`` without spaces and dashes (``12-3456789`` becomes ``123456789``)."""
    return "".join(str(value or "").split()).replace("-", "")


def normalize_npi(value):
    """Return ``value`` without surrounding or inner spaces."""
    return "".join(str(value or "").split())


def normalize_ptan(value):
    """Return ``value`` upper-cased without spaces: PTANs are not case-sensitive."""
    return "".join(str(value or "").split()).upper()


def normalize_identifier(value):
    """Return an APM Entity ID, registry ID or virtual group ID upper-cased without surrounding spaces."""
    return str(value or "").strip().upper()


# Digit -> the digit the Luhn algorithm uses when it doubles it (2 * d, minus 9 if > 9).
_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def luhn_check_digit(digits):
    """Return the Luhn check digit (0-9) that completes the string of ``digits``."""
    # Walking from the right, the digit next to the (missing) check digit is doubled.
    from_right = digits[::-1]
    total = sum(_LUHN_DOUBLED[int(digit)] for digit in from_right[0::2])
    total += sum(map(int, from_right[1::2]))
    return -total % 10


def npi_check_digit(first_nine):
    """Return the check digit of an NPI whose first nine digits are ``first_nine``."""
    return luhn_check_digit(NPI_LUHN_PREFIX + first_nine)


def validate_tin(value):
    """Refuse anything but 9 digits, and the impossible TIN 000000000."""
    if not (len(value) == TIN_LENGTH and value.isascii() and value.isdigit()):
        raise ValidationError(
            "Enter a TIN of 9 digits, for example 12-3456789.", code="tin_format"
        )
    if value == "0" * TIN_LENGTH:
        raise ValidationError("00-0000000 is not a valid TIN.", code="tin_zeros")


def validate_npi(value):
    """Refuse anything but 10 digits starting with 1 or 2 whose last digit is the Luhn check
    digit computed over 80840 and the first nine digits."""
    if not (len(value) == NPI_LENGTH and value.isascii() and value.isdigit()):
        raise ValidationError(
            "Enter an NPI of 10 digits, for example 1234567893.", code="npi_format"
        )
    if value[0] not in NPI_FIRST_DIGITS:
        raise ValidationError("An NPI starts with 1 or 2.", code="npi_first_digit")
    if npi_check_digit(value[:9]) != int(value[9]):
        raise ValidationError(
            "This is not a valid NPI: its last digit does not match. Check for a typing mistake.",
            code="npi_check_digit",
        )


def validate_ptan(value):
    """Refuse a PTAN that is not 6 to 10 letters and digits."""
    if not PTAN_PATTERN.match(value):
        raise ValidationError(
            "Enter a PTAN of %(min)d to %(max)d letters and digits.",
            code="ptan_format",
            params={"min": PTAN_MIN_LENGTH, "max": PTAN_MAX_LENGTH},
        )


def validate_apm_entity_id(value):
    """Refuse an APM Entity ID that is not 3 to 20 letters, digits and dashes (e.g. A1234)."""
    if not APM_ENTITY_ID_PATTERN.match(value):
        raise ValidationError(
            "Enter an APM Entity ID of 3 to 20 letters, digits and dashes, for example A1234.",
            code="apm_entity_id_format",
        )


def validate_registry_id(value):
    """Refuse a registry ID that is not 4 to 12 letters and digits (e.g. Q0123)."""
    if not REGISTRY_ID_PATTERN.match(value):
        raise ValidationError(
            "Enter a registry ID of 4 to 12 letters and digits, for example Q0123.",
            code="registry_id_format",
        )


def validate_virtual_group_id(value):
    """Refuse a virtual group ID that is not VG- and 5 digits (e.g. VG-12345)."""
    if not VIRTUAL_GROUP_ID_PATTERN.match(value):
        raise ValidationError(
            "Enter a virtual group ID of VG- and 5 digits, for example VG-12345.",
            code="virtual_group_id_format",
        )
