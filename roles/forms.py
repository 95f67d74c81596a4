"""Input checks for the roles pages. Forms validate and normalise; services decide."""

import unicodedata

from django import forms

from accounts import selectors as account_selectors
from accounts.forms import DATE_INPUT_FORMATS, ContactFieldsMixin, PhoneNumberField
from organizations import selectors as organization_selectors
from organizations import validators
from organizations.forms import (
    ApmEntityIdField,
    NpiField,
    OrganizationSearchForm,
    PtanField,
    RegistryIdField,
    TinField,
)
from organizations.models import Organization
from qpp_portal.forms import PortalForm
from qpp_portal.geography import USState

from .capabilities import Role
from .models import CallerVerification, Membership

REASON_MAX_LENGTH = 1000
CLINICIAN = "clinician"
COMPANY_SYMBOLS = "-'.,#/&()\u2019"


class ConnectTypeForm(PortalForm):
    """Step 1 of Connect to an Organization: what kind of organization."""

    kind = forms.ChoiceField(
        label="Organization type",
        widget=forms.RadioSelect,
        choices=[
            (Organization.Kind.PRACTICE, "Practice (includes virtual groups)"),
            (Organization.Kind.APM_ENTITY, "APM Entity"),
            (Organization.Kind.REGISTRY, "Registry (QCDR or Qualified Registry)"),
            (CLINICIAN, "Individual Clinician"),
        ],
        help_text="Connecting to several organizations takes one request for each.",
        error_messages={
            "required": "Choose the type of organization.",
            "invalid_choice": "Choose one of the organization types listed.",
        },
    )


class ConnectSearchForm(OrganizationSearchForm):
    """Step 2: find the organization; its kind comes from step 1 and is not shown."""

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget = forms.HiddenInput()
        if kind != Organization.Kind.APM_ENTITY:
            del self.fields["model_type"]
            self.fields["query"].label = "Legal business name or full TIN"
            self.fields[
                "query"
            ].help_text = "The full 9-digit TIN (12-3456789) or part of the legal business name."
            required = "Enter part of the legal business name or the full TIN."
        else:
            self.fields["query"].label = "Legal business name or APM Entity ID"
            self.fields[
                "query"
            ].help_text = "Part of the legal business name, or the APM Entity ID."
            required = "Enter part of the legal business name or the APM Entity ID."
        # The shared search form's message names every identifier; here, only this kind's.
        self.fields["query"].error_messages = {
            **self.fields["query"].error_messages,
            "required": required,
        }

    def clean(self):
        cleaned = super().clean()
        cleaned.setdefault("model_type", "")
        return cleaned


class RoleChoiceForm(PortalForm):
    """Step 3: the role. Only Security Official is offered while the organization has none."""

    role = forms.ChoiceField(
        label="Role",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a role.",
            "invalid_choice": "Choose one of the roles offered for this organization.",
        },
    )

    def __init__(self, *args, has_security_official, **kwargs):
        super().__init__(*args, **kwargs)
        if has_security_official:
            self.fields["role"].choices = [
                (Role.STAFF_USER, "Staff User"),
                (Role.SECURITY_OFFICIAL, "Security Official (additional)"),
            ]
            self.fields[
                "role"
            ].help_text = (
                "A Security Official of the organization will approve or deny your request."
            )
        else:
            self.fields["role"].choices = [(Role.SECURITY_OFFICIAL, "Security Official")]
            self.fields["role"].initial = Role.SECURITY_OFFICIAL
            self.fields["role"].help_text = (
                "This organization has no Security Official yet, so the first person to "
                "connect must take that role. Staff User can be requested once it has one."
            )


class PracticeValidationForm(PortalForm):
    """Step 4 for the first Security Official of a practice."""

    npi = NpiField(
        label="Individual NPI",
        help_text="The individual (type 1) NPI of any clinician who bills under this TIN; "
        "not the group NPI. " + validators.NPI_HELP_TEXT,
        error_messages={"required": "Enter the clinician's individual NPI."},
    )
    ptan = PtanField(
        label="Individual PTAN",
        help_text="That clinician's individual PTAN under this TIN; not the group PTAN. "
        + validators.PTAN_HELP_TEXT,
        error_messages={"required": "Enter the clinician's individual PTAN."},
    )

    def evidence(self):
        return {"npi": self.cleaned_data["npi"], "ptan": self.cleaned_data["ptan"]}


class ApmEntityValidationForm(PortalForm):
    """Step 4 for the first Security Official of an APM Entity."""

    entity_id = ApmEntityIdField(
        label="APM Entity ID",
        max_length=30,
        help_text="For a Shared Savings Program ACO, your ACO ID (for example A1234).",
        error_messages={"required": "Enter the APM Entity ID."},
    )
    tin_1 = TinField(
        label="TIN of a participating practice",
        error_messages={"required": "Enter the TIN of a practice taking part in this APM Entity."},
    )
    tin_2 = TinField(
        label="TIN of a second participating practice",
        error_messages={
            "required": "Enter the TIN of a second practice taking part in this APM Entity."
        },
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        if organization.is_single_tin:
            del self.fields["tin_2"]
            self.fields["tin_1"].label = "TIN of the participating practice"

    def clean(self):
        cleaned = super().clean()
        if (
            "tin_2" in self.fields
            and cleaned.get("tin_1")
            and cleaned.get("tin_1") == cleaned.get("tin_2")
        ):
            self.add_error(
                "tin_2",
                forms.ValidationError(
                    "Enter the TIN of a different practice: the two TINs are the same.",
                    code="same_tin",
                ),
            )
        return cleaned

    def evidence(self):
        tins = [self.cleaned_data["tin_1"]]
        if "tin_2" in self.fields:
            tins.append(self.cleaned_data["tin_2"])
        return {"entity_id": self.cleaned_data["entity_id"], "tins": tins}


class RegistryValidationForm(PortalForm):
    """Step 4 for the first Security Official of a QCDR or Qualified Registry."""

    registry_id = RegistryIdField(
        label="Registry ID",
        help_text="The ID CMS gave your QCDR or Qualified Registry (for example Q0123).",
        error_messages={"required": "Enter the registry ID."},
    )
    tin = TinField(
        label="Registry TIN",
        error_messages={"required": "Enter the registry's TIN."},
    )

    def evidence(self):
        return {"registry_id": self.cleaned_data["registry_id"], "tin": self.cleaned_data["tin"]}


def validation_form_class(organization):
    return {
        Organization.Kind.PRACTICE: PracticeValidationForm,
        Organization.Kind.APM_ENTITY: ApmEntityValidationForm,
        Organization.Kind.REGISTRY: RegistryValidationForm,
    }[organization.kind]


def clean_reason(value):
    """Collapse surrounding spaces; refuse markup brackets and invisible control characters
    (a reason is shown to people and emailed, so it is kept to plain text)."""
    value = value.strip()
    for ch in value:
        if ch in "<>":
            raise forms.ValidationError(
                "Write the reason as plain text, without < or >.", code="reason_markup"
            )
        if unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") and ch not in "\n\r\t":
            raise forms.ValidationError(
                "Remove the invisible control characters from the reason.",
                code="reason_characters",
            )
    return value


class ReasonField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", REASON_MAX_LENGTH)
        kwargs.setdefault("widget", forms.Textarea({"rows": 3}))
        kwargs.setdefault(
            "error_messages",
            {
                "max_length": "Keep the reason to %(limit_value)d characters "
                "(it has %(show_value)d).",
                "required": "Give a reason.",
                "null_characters_not_allowed": "Remove the invisible control characters.",
            },
        )
        super().__init__(**kwargs)

    def clean(self, value):
        return clean_reason(super().clean(value))


class DecisionForm(PortalForm):
    """Approve or deny a pending request, with an optional reason."""

    APPROVE = "approve"
    DENY = "deny"

    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=[(APPROVE, "Approve"), (DENY, "Deny")],
        error_messages={
            "required": "Choose Approve or Deny.",
            "invalid_choice": "Choose Approve or Deny.",
        },
    )
    reason = ReasonField(
        label="Reason (optional)",
        required=False,
        help_text="Sent to the person in the email that tells them your decision.",
    )


class RevokeForm(PortalForm):
    reason = ReasonField(
        label="Reason",
        help_text="For example: left the practice. Sent to the person and kept in the history.",
        error_messages={
            "required": "Give the reason for removing this role.",
            "max_length": "Keep the reason to %(limit_value)d characters (it has %(show_value)d).",
        },
    )


class ReviewDecisionForm(DecisionForm):
    """Help desk decision on a request whose validation failed three times."""

    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=[
            (DecisionForm.APPROVE, "Approve: the link is confirmed"),
            (DecisionForm.DENY, "Reject"),
        ],
        error_messages={"required": "Choose Approve or Reject."},
    )


class HelpDeskSearchForm(PortalForm):
    query = forms.CharField(
        label="Full TIN or APM Entity ID",
        max_length=30,
        help_text="The practice's or registry's 9-digit TIN (12-3456789), or an APM Entity ID.",
        error_messages={"required": "Enter a full TIN or an APM Entity ID."},
    )

    def clean_query(self):
        query = organization_selectors.clean_query(self.cleaned_data["query"])
        if organization_selectors.looks_like_identifier_digits(query) and not (
            organization_selectors.parse_full_tin(query)
        ):
            raise forms.ValidationError(
                "Enter the full 9-digit TIN, for example 12-3456789.", code="partial_tin"
            )
        return query


IDENTITY_MISMATCH_MESSAGES = {
    "no_account": "No account has this email address: the caller registers first (the new "
    "Security Official needs an account of their own).",
    "first_name_mismatch": "This is not the first name on the caller's account.",
    "last_name_mismatch": "This is not the last name on the caller's account.",
    "email_mismatch": "This is not the email address on the caller's account.",
    "phone_mismatch": "This is not the phone number on the caller's account.",
    "street_address_mismatch": "This is not the home address on the caller's account.",
    "zip_code_mismatch": "This is not the ZIP code on the caller's account.",
    "date_of_birth_mismatch": "This is not the date of birth on the caller's account.",
    "ssn_mismatch": "This does not match the Social Security Number on the caller's account.",
}


def compared_name(value):
    return " ".join(str(value or "").split()).casefold()


class CallerVerificationForm(ContactFieldsMixin):
    """What the help desk verified about a caller asking to vacate a Security Official:
    seed 004's list, in three groups (``FIELDSETS``).

    The caller's identity is checked against their own account (found by email address):
    name, home address, phone, date of birth and the Social Security Number (the last 4
    digits or all 9, against the keyed digest). The date of birth and SSN are never
    stored. The practitioner is checked against the reference data."""

    address_line_2 = None
    email = forms.EmailField(label="Caller's email address", max_length=254)
    date_of_birth = forms.DateField(
        label="Caller's date of birth",
        input_formats=DATE_INPUT_FORMATS,
        help_text="MM/DD/YYYY. Checked against the caller's account, never stored.",
        error_messages={"invalid": "Enter the date of birth as MM/DD/YYYY."},
    )
    ssn = forms.CharField(
        label="Caller's Social Security Number",
        max_length=11,
        help_text="The last 4 digits or all 9. Checked against the caller's account, never "
        "stored or shown again: type it again after a correction.",
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    phone = PhoneNumberField(label="Caller's primary phone number")
    company_name = forms.CharField(label="Company name", max_length=200)
    business_street_address = forms.CharField(label="Business street address", max_length=100)
    business_city = forms.CharField(label="Business city", max_length=60)
    business_state = forms.ChoiceField(
        label="Business state", choices=[("", "- Select -"), *USState.choices]
    )
    business_zip_code = forms.CharField(
        label="Business ZIP code",
        max_length=10,
        validators=ContactFieldsMixin.base_fields["zip_code"].validators,
        help_text="5 digits, or ZIP+4 like 20001-1234.",
    )
    business_phone = PhoneNumberField(label="Company phone number")
    office_phone = PhoneNumberField(label="Office phone number")
    practitioner_first_name = forms.CharField(label="Practitioner's first name", max_length=50)
    practitioner_last_name = forms.CharField(label="Practitioner's last name", max_length=50)
    legal_business_name = forms.CharField(label="Legal business name", max_length=200)
    tin = TinField(label="Practitioner's Medicare billing TIN")
    npi = NpiField(
        label="Practitioner's individual (rendering) NPI",
        help_text="Not the group NPI. " + validators.NPI_HELP_TEXT,
    )
    ptan = PtanField(
        label="Practitioner's individual PTAN",
        help_text="Not the group PTAN. " + validators.PTAN_HELP_TEXT,
    )
    practitioner_street_address = forms.CharField(
        label="Practitioner's street address", max_length=100
    )
    practitioner_city = forms.CharField(label="Practitioner's city", max_length=60)
    practitioner_state = forms.ChoiceField(
        label="Practitioner's state", choices=[("", "- Select -"), *USState.choices]
    )
    practitioner_zip_code = forms.CharField(
        label="Practitioner's ZIP code",
        max_length=10,
        validators=ContactFieldsMixin.base_fields["zip_code"].validators,
        help_text="5 digits, or ZIP+4 like 20001-1234.",
    )
    practitioner_phone = PhoneNumberField(label="Practitioner's phone number")
    official = forms.ModelChoiceField(
        label="Security Official to vacate",
        queryset=Membership.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose the Security Official to vacate.",
            "invalid_choice": "Choose one of this organization's Security Officials.",
        },
    )
    reason = ReasonField(
        label="Reason",
        help_text="For example: left the practice in March; the caller is the practice manager.",
        error_messages={"required": "Give the reason for vacating the role."},
    )

    CALLER_FIELDS = [
        name
        for name in (field.name for field in CallerVerification._meta.get_fields())
        if name
        not in {
            "id",
            "help_desk_user",
            "organization",
            "vacated_membership",
            "reason",
            "created_at",
            "caller",
        }
    ]
    IDENTITY_FIELDS = [
        "first_name",
        "last_name",
        "email",
        "date_of_birth",
        "ssn",
        "street_address",
        "zip_code",
        "phone",
    ]
    FIELDSETS = [
        (
            "The caller",
            [
                "first_name",
                "last_name",
                "email",
                "date_of_birth",
                "ssn",
                "street_address",
                "city",
                "state",
                "zip_code",
                "phone",
            ],
        ),
        (
            "Business contact",
            [
                "company_name",
                "business_street_address",
                "business_city",
                "business_state",
                "business_zip_code",
                "business_phone",
                "office_phone",
            ],
        ),
        (
            "One current practitioner billing under the TIN",
            [
                "practitioner_first_name",
                "practitioner_last_name",
                "legal_business_name",
                "tin",
                "npi",
                "ptan",
                "practitioner_street_address",
                "practitioner_city",
                "practitioner_state",
                "practitioner_zip_code",
                "practitioner_phone",
            ],
        ),
        ("The change", ["official", "reason"]),
    ]

    def __init__(self, *args, organization, officials, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["official"].queryset = officials
        self.fields["official"].label_from_instance = lambda membership: (
            f"{membership.user.get_full_name()} ({membership.user.username}), "
            f"since {membership.decided_at:%b %-d, %Y}"
            if membership.decided_at
            else f"{membership.user.get_full_name()} ({membership.user.username})"
        )
        self.fields["first_name"].label = "Caller's first name"
        self.fields["last_name"].label = "Caller's last name"
        self.fields["street_address"].label = "Caller's home street address"
        self.fields["street_address"].help_text = ""
        self.fields["city"].label = "Home city"
        self.fields["state"].label = "Home state"
        self.fields["zip_code"].label = "Home ZIP code"
        self.caller_account = None

    def fieldsets(self):
        """Yield (legend, bound fields) in the order the caller is asked."""
        for legend, names in self.FIELDSETS:
            yield legend, [self[name] for name in names]

    def clean_ssn(self):
        digits = "".join(ch for ch in self.cleaned_data["ssn"] if ch.isdigit())
        if len(digits) not in (4, 9) or len(digits) != len(
            self.cleaned_data["ssn"].replace("-", "").replace(" ", "")
        ):
            raise forms.ValidationError(
                "Enter the last 4 digits of the SSN, or all 9 like 123-45-6789.",
                code="ssn_format",
            )
        return digits

    def clean_practitioner_street_address(self):
        return self._text("practitioner_street_address")

    def clean_practitioner_city(self):
        return self._text("practitioner_city")

    def _text(self, field, symbols=COMPANY_SYMBOLS):
        return self._clean_text(
            field,
            symbols,
            "Use letters, digits, spaces and . , ' - # / & ( ) only.",
            "text_characters",
            True,
        )

    def clean_company_name(self):
        return self._text("company_name")

    def clean_business_street_address(self):
        return self._text("business_street_address")

    def clean_business_city(self):
        return self._text("business_city")

    def clean_legal_business_name(self):
        return self._text("legal_business_name")

    def clean_practitioner_first_name(self):
        return self._clean_text(
            "practitioner_first_name",
            "-'.\u2019",
            "Use letters, spaces, hyphens, apostrophes and periods only.",
            "name_characters",
        )

    def clean_practitioner_last_name(self):
        return self._clean_text(
            "practitioner_last_name",
            "-'.\u2019",
            "Use letters, spaces, hyphens, apostrophes and periods only.",
            "name_characters",
        )

    def clean(self):
        cleaned = super().clean()
        self._check_caller(cleaned)
        self._check_practitioner(cleaned)
        return cleaned

    def _check_caller(self, cleaned):
        """Check the caller's identity against their own account, field by field."""
        if any(name not in cleaned for name in self.IDENTITY_FIELDS):
            return  # a field is missing or malformed: its own message says so
        details = {name: cleaned[name] for name in self.IDENTITY_FIELDS}
        self.caller_account, mismatches = account_selectors.match_caller_account(details)
        for name, code in mismatches.items():
            self.add_error(
                name, forms.ValidationError(IDENTITY_MISMATCH_MESSAGES[code], code=code)
            )

    def _check_practitioner(self, cleaned):
        """Check the practitioner against the reference data: their TIN must be the
        organization's (a practice or registry) or take part in it (an APM Entity); the
        legal business name must be that TIN's; for a practice TIN the NPI and PTAN must be
        an individual enrolment under it, of the clinician named."""
        tin, npi, ptan = cleaned.get("tin"), cleaned.get("npi"), cleaned.get("ptan")
        organization = self.organization
        if not tin:
            return cleaned
        if organization.kind in (Organization.Kind.PRACTICE, Organization.Kind.REGISTRY):
            if tin != organization.tin:
                self.add_error(
                    "tin",
                    forms.ValidationError(
                        "This is not the TIN of the organization whose Security Official is "
                        "being vacated.",
                        code="tin_not_organization",
                    ),
                )
                return cleaned
        elif not organization.participations.filter(
            practice__tin=tin, clinician__isnull=True
        ).exists():
            self.add_error(
                "tin",
                forms.ValidationError(
                    "No practice with this TIN takes part in this APM Entity.",
                    code="tin_not_participating",
                ),
            )
            return cleaned
        practice = organization_selectors.get_practice_by_tin(tin)
        billing = practice if practice is not None else organization
        name = cleaned.get("legal_business_name")
        if name and compared_name(name) != compared_name(billing.legal_business_name):
            self.add_error(
                "legal_business_name",
                forms.ValidationError(
                    "This is not the legal business name of this TIN in the reference data.",
                    code="legal_name_mismatch",
                ),
            )
        if practice is None or not npi or not ptan:
            return cleaned
        if organization_selectors.is_group_identifier(practice, npi, ptan):
            self.add_error(
                "npi",
                forms.ValidationError(
                    "That is a group NPI or group PTAN: ask for the practitioner's individual "
                    "ones.",
                    code="group_identifier",
                ),
            )
        elif (
            enrolment := organization_selectors.find_individual_enrolment(practice, npi, ptan)
        ) is None:
            self.add_error(
                "ptan",
                forms.ValidationError(
                    "No clinician bills under this TIN with this individual NPI and PTAN.",
                    code="no_enrolment",
                ),
            )
        else:
            clinician = enrolment.clinician
            for field, expected in (
                ("practitioner_first_name", clinician.first_name),
                ("practitioner_last_name", clinician.last_name),
            ):
                typed = cleaned.get(field)
                if typed and compared_name(typed) != compared_name(expected):
                    self.add_error(
                        field,
                        forms.ValidationError(
                            "This is not the name of the clinician with this NPI.",
                            code="practitioner_name_mismatch",
                        ),
                    )
        return cleaned

    def caller(self):
        """Return the CallerVerification fields, ready for the service."""
        fields = {name: self.cleaned_data[name] for name in self.CALLER_FIELDS}
        return {**fields, "caller": self.caller_account}
