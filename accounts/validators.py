"""Validators for the account's user ID, password, SSN and profile fields.

Password validators follow django.contrib.auth's contract (``validate`` and
``get_help_text``) and are listed in ``AUTH_PASSWORD_VALIDATORS``.
"""

import re
from datetime import date

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

PASSWORD_SYMBOLS = ".!@#$%^&*"
USER_ID_SYMBOLS = "._-@"
USER_ID_MIN_LENGTH = 5
USER_ID_MAX_LENGTH = 64
MINIMUM_AGE = 18


def validate_user_id(value):
    """Refuse a user ID that is too short, too long or holds other characters; say which rule."""
    if len(value) < USER_ID_MIN_LENGTH:
        raise ValidationError(
            "Your User ID must be at least %(min)d characters long.",
            code="user_id_too_short",
            params={"min": USER_ID_MIN_LENGTH},
        )
    if len(value) > USER_ID_MAX_LENGTH:
        raise ValidationError(
            "Your User ID must be at most %(max)d characters long.",
            code="user_id_too_long",
            params={"max": USER_ID_MAX_LENGTH},
        )
    bad = sorted(
        {ch for ch in value if not (ch.isascii() and ch.isalnum()) and ch not in USER_ID_SYMBOLS}
    )
    if bad:
        raise ValidationError(
            "Your User ID may contain only letters, digits and the symbols %(allowed)s "
            "(not %(bad)s).",
            code="user_id_characters",
            params={"allowed": " ".join(USER_ID_SYMBOLS), "bad": " ".join(repr(c) for c in bad)},
        )


class PasswordCharacterClassesValidator:
    """Require a lowercase and an uppercase letter, a digit and one of . ! @ # $ % ^ & *;
    refuse every other character, naming the symbols that are allowed."""

    def validate(self, password, user=None):
        disallowed = sorted(
            {
                ch
                for ch in password
                if not (ch.isascii() and ch.isalnum()) and ch not in PASSWORD_SYMBOLS
            }
        )
        if disallowed:
            shown = " ".join("a space" if ch == " " else ch for ch in disallowed)
            raise ValidationError(
                "Your password contains characters that are not allowed (%(bad)s). "
                "Use letters, digits and these symbols only: %(allowed)s",
                code="password_disallowed_character",
                params={"bad": shown, "allowed": " ".join(PASSWORD_SYMBOLS)},
            )
        missing = [
            label
            for label, present in [
                ("a lowercase letter", any(ch.islower() for ch in password)),
                ("an uppercase letter", any(ch.isupper() for ch in password)),
                ("a number", any(ch.isdigit() for ch in password)),
                (
                    f"a symbol ({' '.join(PASSWORD_SYMBOLS)})",
                    any(ch in PASSWORD_SYMBOLS for ch in password),
                ),
            ]
            if not present
        ]
        if missing:
            raise ValidationError(
                "Your password must include %(missing)s.",
                code="password_missing_character_class",
                params={"missing": ", ".join(missing)},
            )

    def get_help_text(self):
        return (
            "Your password must include a lowercase letter, an uppercase letter, a number "
            f"and one of these symbols: {' '.join(PASSWORD_SYMBOLS)}"
        )


class PasswordPersonalInformationValidator:
    """Refuse a password that contains the user ID, first name or last name."""

    def validate(self, password, user=None):
        if user is None:
            return
        lowered = password.casefold()
        for label, value in [
            ("User ID", getattr(user, "username", "")),
            ("first name", getattr(user, "first_name", "")),
            ("last name", getattr(user, "last_name", "")),
        ]:
            if value and len(value) >= 3 and value.casefold() in lowered:
                raise ValidationError(
                    "Your password must not contain your %(label)s.",
                    code="password_contains_personal_information",
                    params={"label": label},
                )

    def get_help_text(self):
        return "Your password must not contain your User ID or your name."


class PasswordHistoryValidator:
    """Refuse any of the person's last ``history_size`` passwords."""

    def __init__(self, history_size=6):
        self.history_size = history_size

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        recent = user.password_history.values_list("password", flat=True)[: self.history_size]
        if any(check_password(password, encoded) for encoded in recent):
            raise ValidationError(
                "You used this password recently. Choose one you have not used in your last "
                "%(count)d passwords.",
                code="password_reused",
                params={"count": self.history_size},
            )

    def get_help_text(self):
        return f"You cannot reuse any of your last {self.history_size} passwords."


def validate_ssn(value):
    """Check a nine-digit SSN's shape: no 000, 666 or 9xx area, no 00 group, no 0000 serial."""
    # [0-9], not \d: \d also matches other scripts' digits (Arabic-Indic, Devanagari, ...),
    # which would slip past the area, group and serial rules below.
    if not re.fullmatch(r"[0-9]{9}", value):
        raise ValidationError(
            "Enter a Social Security Number of 9 digits, like 123-45-6789.", code="ssn_format"
        )
    area, group, serial = value[:3], value[3:5], value[5:]
    if area in {"000", "666"} or area.startswith("9") or group == "00" or serial == "0000":
        raise ValidationError(
            "This is not a valid Social Security Number. Check the digits and try again.",
            code="ssn_invalid",
        )


def validate_date_of_birth(value, today=None):
    """Require a real past date of a living adult."""
    today = today or date.today()
    if value >= today:
        raise ValidationError("Your date of birth must be in the past.", code="dob_future")
    age = today.year - value.year - ((today.month, today.day) < (value.month, value.day))
    if age < MINIMUM_AGE:
        raise ValidationError(
            "You must be at least %(age)d years old to register.",
            code="dob_too_young",
            params={"age": MINIMUM_AGE},
        )
    if age > 120:
        raise ValidationError("Check the year of your date of birth.", code="dob_too_old")


def password_rules_help_text():
    return "At least 12 characters. " + PasswordCharacterClassesValidator().get_help_text()
