import re
import unicodedata
from datetime import date

import phonenumbers
from django import forms
from django.contrib.auth import password_validation
from django.core.validators import RegexValidator

from qpp_portal.forms import PortalForm
from qpp_portal.geography import ZIP_CODE_PATTERN, USState

from .models import PhoneDevice, User
from .validators import (
    password_rules_help_text,
    validate_date_of_birth,
    validate_ssn,
    validate_user_id,
)

DATE_INPUT_FORMATS = ["%m/%d/%Y", "%Y-%m-%d", "%m-%d-%Y"]
LOGIN_FAILED = "LOGIN FAILED - Invalid User Name / Password. Please Try Again"
NAME_SYMBOLS = "-'.\u2019"
CITY_SYMBOLS = "-'.,()\u2019"
ADDRESS_SYMBOLS = "-'.,#/&()\u2019"
ADDRESS_CHARACTERS_MESSAGE = "Use letters, digits, spaces and . , ' - # / & ( ) only."


def normalize_phone(value):
    """Parse a phone number (US by default) and return it in E.164, or raise ValidationError."""
    try:
        number = phonenumbers.parse(value, "US")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise forms.ValidationError(
            "Enter a valid phone number, like (202) 555-0143.", code="phone_invalid"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class PhoneNumberField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 25)
        kwargs.setdefault("help_text", "A US number, like (202) 555-0143.")
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})

    def clean(self, value):
        value = super().clean(value)
        return normalize_phone(value) if value else value


class ContactFieldsMixin(PortalForm):
    """Name, contact and home address fields shared by registration and profile editing."""

    first_name = forms.CharField(
        max_length=50, widget=forms.TextInput({"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        max_length=50, widget=forms.TextInput({"autocomplete": "family-name"})
    )
    street_address = forms.CharField(
        label="Home street address",
        max_length=100,
        help_text="Your home address, not your practice's: it is used to verify your identity.",
        widget=forms.TextInput({"autocomplete": "address-line1"}),
    )
    address_line_2 = forms.CharField(
        label="Apartment, suite, etc.",
        max_length=100,
        required=False,
        widget=forms.TextInput({"autocomplete": "address-line2"}),
    )
    city = forms.CharField(
        max_length=60, widget=forms.TextInput({"autocomplete": "address-level2"})
    )
    state = forms.ChoiceField(
        label="State, district or territory",
        choices=[("", "- Select -"), *USState.choices],
        widget=forms.Select({"autocomplete": "address-level1"}),
    )
    zip_code = forms.CharField(
        label="ZIP code",
        max_length=10,
        help_text="5 digits, or ZIP+4 like 20001-1234.",
        validators=[
            RegexValidator(
                ZIP_CODE_PATTERN,
                "Enter a ZIP code of 5 digits, or ZIP+4 like 20001-1234.",
                code="zip_format",
                # ASCII digits only, as the database's check constraint requires.
                flags=re.ASCII,
            )
        ],
        widget=forms.TextInput({"autocomplete": "postal-code", "inputmode": "numeric"}),
    )

    def clean_first_name(self):
        return self._clean_text(
            "first_name",
            NAME_SYMBOLS,
            "Use letters, spaces, hyphens, apostrophes and periods only.",
            "name_characters",
        )

    def clean_last_name(self):
        return self._clean_text(
            "last_name",
            NAME_SYMBOLS,
            "Use letters, spaces, hyphens, apostrophes and periods only.",
            "name_characters",
        )

    def clean_street_address(self):
        return self._clean_text(
            "street_address",
            ADDRESS_SYMBOLS,
            ADDRESS_CHARACTERS_MESSAGE,
            "address_characters",
            True,
        )

    def clean_address_line_2(self):
        return self._clean_text(
            "address_line_2",
            ADDRESS_SYMBOLS,
            ADDRESS_CHARACTERS_MESSAGE,
            "address_characters",
            True,
        )

    def clean_city(self):
        return self._clean_text(
            "city", CITY_SYMBOLS, "Enter a city name without symbols.", "city_characters", True
        )

    def _clean_text(self, field, symbols, message, code, digits=False):
        """Collapse spaces; allow letters of any alphabet, ``symbols`` and maybe digits.

        Everything else (markup characters, emoji, invisible and direction-changing
        characters) is refused rather than stored.
        """
        value = " ".join(self.cleaned_data[field].split())
        for ch in value:
            category = unicodedata.category(ch)
            if category[0] in "LM" or ch == " " or ch in symbols:
                continue
            if digits and category == "Nd":
                continue
            raise forms.ValidationError(message, code=code)
        return value


class UnechoedDateInput(forms.DateInput):
    """A date input that never renders a value back: the date of birth is personal data.

    A valid date in a refused form is kept (sealed) in the registration draft and shown
    masked; an invalid one is asked for again.
    """

    def format_value(self, value):
        return None


class ProfileForm(ContactFieldsMixin):
    """Step 1 of registration: who the person is."""

    field_order = [
        "first_name",
        "last_name",
        "date_of_birth",
        "email",
        "phone",
        "street_address",
        "address_line_2",
        "city",
        "state",
        "zip_code",
        "ssn",
    ]

    date_of_birth = forms.DateField(
        label="Date of birth",
        input_formats=DATE_INPUT_FORMATS,
        help_text="MM/DD/YYYY, for example 04/28/1986.",
        widget=UnechoedDateInput(attrs={"autocomplete": "bday"}),
        error_messages={"invalid": "Enter your date of birth as MM/DD/YYYY."},
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="A work address is fine; you can change it later.",
        widget=forms.EmailInput({"autocomplete": "email"}),
    )
    phone = PhoneNumberField(
        label="Phone number",
        help_text="Your own phone, like (202) 555-0143: codes can be sent here.",
    )
    ssn = forms.CharField(
        label="Social Security Number (optional)",
        required=False,
        max_length=11,
        help_text=(
            "9 digits, like 123-45-6789. Used only to verify your identity online in "
            "minutes; without it you will be asked to send documents for manual review, "
            "which takes days."
        ),
        # Never rendered back: a valid SSN in a refused form is kept in the draft instead.
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def __init__(self, *args, kept_ssn_masked="", kept_date_of_birth_masked="", **kwargs):
        super().__init__(*args, **kwargs)
        # On resuming a draft, the SSN and date of birth are not shown back: say what
        # is kept and let the person leave them blank.
        self.kept_ssn = False
        if kept_ssn_masked:
            self.show_kept_ssn(kept_ssn_masked)
        self.kept_date_of_birth = False
        if kept_date_of_birth_masked:
            self.show_kept_date_of_birth(kept_date_of_birth_masked)

    def show_kept_date_of_birth(self, masked):
        """Say that a date of birth is already kept (shown masked) and may be left blank."""
        self.kept_date_of_birth = True
        self.fields["date_of_birth"].required = False
        self._set_help_text("date_of_birth", f"Already entered: {masked}. Leave blank to keep it.")

    def ask_date_of_birth_again(self):
        """Explain why a refused date of birth is not shown back."""
        self._set_help_text(
            "date_of_birth",
            "MM/DD/YYYY. For your privacy the date you typed is not shown again: type it again.",
        )

    def _set_help_text(self, field, text):
        self.fields[field].help_text = text
        if self.is_bound:
            # A bound form may have built its BoundField already, which copied the help text.
            self[field].help_text = text

    def show_kept_ssn(self, masked):
        """Say that an SSN is already kept (shown masked) and may be left blank."""
        self.kept_ssn = True
        self._set_help_text(
            "ssn", f"Already entered: {masked}. Leave blank to keep it, or type a new one."
        )

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        if value is not None:
            validate_date_of_birth(value, today=date.today())
        return value

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_ssn(self):
        value = self.cleaned_data["ssn"].replace("-", "").replace(" ", "")
        if value:
            validate_ssn(value)
        return value


class TermsForm(PortalForm):
    accept = forms.BooleanField(
        label="I have read and accept the Terms and Conditions",
        error_messages={"required": "You must accept the Terms and Conditions to continue."},
    )


class SetPasswordFieldsMixin(PortalForm):
    """A new password typed twice and checked against AUTH_PASSWORD_VALIDATORS."""

    password1 = forms.CharField(
        label="Password",
        strip=False,
        max_length=128,
        help_text=password_rules_help_text(),
        widget=forms.PasswordInput({"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Confirm password",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput({"autocomplete": "new-password"}),
    )

    def password_user(self):
        """Return the (possibly unsaved) user the password is for, for the validators."""
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error(
                "password2",
                forms.ValidationError("The two passwords do not match.", code="password_mismatch"),
            )
        elif password1:
            try:
                password_validation.validate_password(password1, self.password_user())
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class AccountForm(SetPasswordFieldsMixin):
    """Step 3 of registration: User ID, password and challenge question."""

    field_order = ["username", "password1", "password2", "challenge_question", "challenge_answer"]

    username = forms.CharField(
        label="User ID",
        max_length=64,
        help_text="At least 5 characters: letters, digits and the symbols . _ - @",
        validators=[validate_user_id],
        widget=forms.TextInput({"autocomplete": "username", "autocapitalize": "none"}),
    )
    challenge_question = forms.ChoiceField(
        choices=[("", "- Select a question -"), *User.ChallengeQuestion.choices],
        help_text="Used to recover your account if you forget your password.",
    )
    challenge_answer = forms.CharField(
        max_length=100,
        help_text="Case and extra spaces are ignored when you answer it later.",
        widget=forms.TextInput({"autocomplete": "off"}),
    )

    def __init__(self, *args, profile=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile = profile or {}

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(
                "This User ID is taken. Choose another.", code="user_id_taken"
            )
        return username

    def clean_challenge_answer(self):
        answer = " ".join(self.cleaned_data["challenge_answer"].split())
        if len(answer) < 2:
            raise forms.ValidationError(
                "Your answer must be at least 2 characters.", code="answer_too_short"
            )
        return answer

    def password_user(self):
        return User(
            username=self.cleaned_data.get("username", ""),
            first_name=self.profile.get("first_name", ""),
            last_name=self.profile.get("last_name", ""),
        )


class SignInForm(PortalForm):
    username = forms.CharField(
        label="User ID",
        max_length=64,
        widget=forms.TextInput({"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput({"autocomplete": "current-password"}),
    )

    def clean_username(self):
        # User IDs are unique regardless of case: one spelling for django-axes to count
        # failures against, so changing the case does not escape the lockout.
        return self.cleaned_data["username"].strip().lower()


class CodeForm(PortalForm):
    """A six-digit code from a device, or a backup code."""

    code = forms.CharField(
        label="Security code",
        max_length=12,
        help_text="The 6-digit code, or one of your backup codes.",
        widget=forms.TextInput({"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, accepts_backup_codes=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not accepts_backup_codes:
            self.fields["code"].help_text = "The 6-digit code."

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not code.replace("-", "").isalnum():
            raise forms.ValidationError(
                "Enter the code exactly as you received it.", code="code_format"
            )
        return code


class DeviceChoiceForm(PortalForm):
    device = forms.ChoiceField(label="Where should we send your code?", widget=forms.RadioSelect)

    def __init__(self, *args, devices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device"].choices = devices


class PhoneDeviceForm(PortalForm):
    number = PhoneNumberField(label="Phone number")
    method = forms.ChoiceField(
        label="How should we reach you?",
        choices=PhoneDevice.Method.choices,
        widget=forms.RadioSelect,
    )


class ForgotUserIdForm(PortalForm):
    email = forms.EmailField(label="Email address", max_length=254)


class ForgotPasswordForm(PortalForm):
    username = forms.CharField(label="User ID", max_length=64)


class ChallengeAnswerForm(PortalForm):
    answer = forms.CharField(
        label="Your answer", max_length=100, widget=forms.TextInput({"autocomplete": "off"})
    )


class SetPasswordForm(SetPasswordFieldsMixin):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def password_user(self):
        return self.user


class ChangePasswordForm(SetPasswordForm):
    field_order = ["current_password", "password1", "password2"]

    current_password = forms.CharField(
        label="Current password",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput({"autocomplete": "current-password"}),
    )

    def clean_current_password(self):
        value = self.cleaned_data["current_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(
                "Your current password is not correct.", code="password_incorrect"
            )
        return value


class ProfileEditForm(ContactFieldsMixin):
    """Name and home address; email and phone change through a verified code."""


class EmailChangeForm(PortalForm):
    email = forms.EmailField(label="New email address", max_length=254)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class PhoneChangeForm(PortalForm):
    phone = PhoneNumberField(label="New phone number")


class ConfirmPasswordForm(PortalForm):
    """The password again, before a change to how the person signs in."""

    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput({"autocomplete": "current-password"}),
    )
