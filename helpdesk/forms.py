"""Input of the help desk's pages. Forms validate and normalise; the owning apps decide."""

from django import forms

from accounts import selectors as account_selectors
from accounts.forms import DATE_INPUT_FORMATS, PhoneNumberField
from audit.models import AuditEvent
from qpp_portal.forms import PortalForm
from qpp_portal.geography import ZIP_CODE_PATTERN
from roles.forms import IDENTITY_MISMATCH_MESSAGES, ReasonField

SEARCH_MAX_LENGTH = 100


class PersonSearchForm(PortalForm):
    query = forms.CharField(
        label="Name, email, user ID, phone or organization",
        max_length=SEARCH_MAX_LENGTH,
        help_text="A name (Ada Lovelace), email address, User ID, phone number, a full TIN "
        "(12-3456789), an APM Entity ID or part of an organization's name.",
        error_messages={"required": "Enter what you know about the person."},
    )


class CallerCheckForm(PortalForm):
    """What a caller says about themselves, checked against ``person``'s account. Each
    detail that does not match is refused beside its field; the SSN and date of birth are
    checked, never stored or shown back."""

    first_name = forms.CharField(label="Caller's first name", max_length=50)
    last_name = forms.CharField(label="Caller's last name", max_length=50)
    email = forms.EmailField(label="Caller's email address", max_length=254)
    date_of_birth = forms.DateField(
        label="Caller's date of birth",
        input_formats=DATE_INPUT_FORMATS,
        help_text="MM/DD/YYYY.",
        error_messages={"invalid": "Enter the date of birth as MM/DD/YYYY."},
    )
    ssn = forms.CharField(
        label="Caller's Social Security Number",
        max_length=11,
        help_text="The last 4 digits or all 9. Never stored or shown again: type it again "
        "after a correction.",
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    street_address = forms.CharField(label="Caller's home street address", max_length=100)
    zip_code = forms.RegexField(
        label="Home ZIP code",
        regex=ZIP_CODE_PATTERN,
        max_length=10,
        help_text="5 digits, or ZIP+4 like 20001-1234.",
        error_messages={"invalid": "Enter a ZIP code of 5 digits, or ZIP+4 like 20001-1234."},
    )
    phone = PhoneNumberField(label="Caller's primary phone number")

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        if not person.ssn_digest:
            # Proofed by documents: there is no SSN to check against.
            del self.fields["ssn"]

    def clean_ssn(self):
        value = self.cleaned_data["ssn"].replace("-", "").replace(" ", "")
        if not value.isdigit() or len(value) not in (4, 9):
            raise forms.ValidationError(
                "Enter the last 4 digits of the SSN, or all 9 like 123-45-6789.",
                code="ssn_format",
            )
        return value

    def clean(self):
        cleaned = super().clean()
        if set(self.fields) - set(cleaned):
            return cleaned  # a field is missing or malformed: its own message says so
        mismatches = account_selectors.identity_mismatches(self.person, cleaned)
        for name, code in mismatches.items():
            self.add_error(
                name, forms.ValidationError(IDENTITY_MISMATCH_MESSAGES[code], code=code)
            )
        return cleaned

    @property
    def ssn_digits(self):
        return len(self.cleaned_data.get("ssn", ""))


class ActionForm(PortalForm):
    reason = ReasonField(
        label="Reason",
        max_length=300,
        widget=forms.Textarea({"rows": 2, "class": "height-10"}),
        help_text="Why the caller needs this, in a few words. Kept in the audit log.",
        error_messages={"required": "Give the reason for this change."},
    )


class AuditSearchForm(PortalForm):
    person = forms.CharField(
        label="Person",
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        help_text="Name, email, User ID or phone of who acted or whom the event concerns.",
    )
    organization = forms.CharField(
        label="Organization",
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        help_text="A full TIN, APM Entity ID, registry ID or part of the name.",
    )
    action = forms.ChoiceField(
        label="Action",
        required=False,
        choices=[("", "- Any action -"), *sorted(AuditEvent.Action.choices, key=lambda c: c[1])],
    )
    start = forms.DateField(
        label="From",
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        help_text="MM/DD/YYYY.",
        error_messages={"invalid": "Enter the first day as MM/DD/YYYY."},
    )
    end = forms.DateField(
        label="To",
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        help_text="MM/DD/YYYY.",
        error_messages={"invalid": "Enter the last day as MM/DD/YYYY."},
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error(
                "end",
                forms.ValidationError("The last day is before the first.", code="date_order"),
            )
        return cleaned
