"""Input checks for the feedback pages. Forms validate and normalise; services act."""

from django import forms
from django.core.exceptions import ValidationError

from organizations import validators
from qpp_portal.forms import PortalForm

from .models import ExceptionApplication, OptInElection

GROUP = "group"
NPI_LIST_MAX = 25


def validate_and_normalize_npi(value):
    npi = validators.normalize_npi(value)
    validators.validate_npi(npi)
    return npi


class YearForm(PortalForm):
    """Pick a performance year among ``years``."""

    year = forms.TypedChoiceField(
        label="Performance year",
        coerce=int,
        error_messages={"invalid_choice": "Choose a performance year from the list."},
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]


class NpiLookupForm(YearForm):
    field_order = ["npi", "year"]

    npi = forms.CharField(
        label="National Provider Identifier (NPI)",
        max_length=20,
        help_text=validators.NPI_HELP_TEXT,
        error_messages={
            "required": "Enter an NPI.",
            "max_length": "An NPI is 10 digits.",
            "null_characters_not_allowed": "Remove the invisible control characters.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["npi"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off", "class": "usa-input--medium"}
        )

    def clean_npi(self):
        return validate_and_normalize_npi(self.cleaned_data["npi"])


class ExceptionApplicationForm(PortalForm):
    """An exception application: for the whole organization or one of its clinicians."""

    CATEGORY_CHOICES = [
        ("quality", "Quality"),
        ("cost", "Cost"),
        ("improvement_activities", "Improvement Activities"),
        ("promoting_interoperability", "Promoting Interoperability"),
    ]

    kind = forms.ChoiceField(
        label="Kind of exception",
        choices=ExceptionApplication.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the kind of exception.",
            "invalid_choice": "Choose one of the kinds listed.",
        },
    )
    performance_year = forms.TypedChoiceField(
        label="Performance year",
        coerce=int,
        error_messages={
            "required": "Choose a performance year.",
            "invalid_choice": "Applications for that year are closed.",
        },
    )
    applies_to = forms.ChoiceField(
        label="Who it is for",
        error_messages={
            "required": "Choose who the application is for.",
            "invalid_choice": "Choose the organization or one of its clinicians.",
        },
    )
    reason = forms.ChoiceField(
        label="Reason",
        choices=[("", "- Select -"), *ExceptionApplication.Reason.choices],
        help_text="Extreme and Uncontrollable Circumstances: disaster, public health emergency, closure, vendor issue. PI hardship: small practice, decertified EHR, insufficient internet, lack of control over certified EHR, disaster.",
        error_messages={
            "required": "Choose a reason.",
            "invalid_choice": "Choose a reason from the list.",
        },
    )
    categories = forms.MultipleChoiceField(
        label="Performance categories to reweight",
        choices=CATEGORY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="A Promoting Interoperability hardship always covers that category alone.",
        error_messages={"invalid_choice": "Choose categories from the list."},
    )
    start_date = forms.DateField(
        label="Start of the circumstances",
        help_text="Month, day and year, for example 03/14/2026.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Enter when it started.", "invalid": "Enter a real date."},
    )
    end_date = forms.DateField(
        label="End of the circumstances",
        help_text="Month, day and year, for example 04/30/2026.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Enter when it ended.", "invalid": "Enter a real date."},
    )
    description = forms.CharField(
        label="What happened",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Describe what happened.",
            "max_length": "Use at most %(limit_value)d characters.",
            "null_characters_not_allowed": "Remove the invisible control characters.",
        },
    )

    def __init__(self, *args, years, clinicians, organization_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["performance_year"].choices = [(y, str(y)) for y in years]
        self.clinicians = {c.npi: c for c in clinicians}
        self.fields["applies_to"].choices = [
            (GROUP, f"The whole {organization_label}"),
            *[(c.npi, f"{c.full_name} (NPI {c.npi})") for c in clinicians],
        ]

    def clean_description(self):
        return self.cleaned_data["description"].strip()

    def clean(self):
        data = super().clean()
        kind, reason = data.get("kind"), data.get("reason")
        if kind and reason:
            allowed = (
                ExceptionApplication.PI_REASONS
                if kind == ExceptionApplication.Kind.PI_HARDSHIP
                else ExceptionApplication.EUC_REASONS
            )
            if reason not in allowed:
                self.add_error(
                    "reason",
                    ValidationError(
                        "This reason does not fit that kind of exception.", code="reason"
                    ),
                )
        if kind == ExceptionApplication.Kind.PI_HARDSHIP:
            data["categories"] = ["promoting_interoperability"]
        elif kind and not data.get("categories"):
            self.add_error(
                "categories",
                ValidationError("Choose at least one category.", code="categories"),
            )
        start, end = data.get("start_date"), data.get("end_date")
        year = data.get("performance_year")
        if start and end and end < start:
            self.add_error("end_date", ValidationError("End after it started.", code="order"))
        if year and start and start.year != year:
            self.add_error(
                "start_date",
                ValidationError(
                    "The circumstances must start in the performance year.", code="year"
                ),
            )
        applies_to = data.get("applies_to")
        data["clinician"] = self.clinicians.get(applies_to) if applies_to != GROUP else None
        return data


class ExceptionDecisionForm(PortalForm):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("approve", "Approve"), ("deny", "Deny")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose approve or deny.",
            "invalid_choice": "Choose approve or deny.",
        },
    )
    reason = forms.CharField(
        label="Reason (sent to the applicant)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": "Use at most %(limit_value)d characters.",
            "null_characters_not_allowed": "Remove the invisible control characters.",
        },
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "deny" and not data.get("reason", "").strip():
            self.add_error("reason", ValidationError("Say why it is denied.", code="reason"))
        return data


class OptInElectionForm(PortalForm):
    """One election, for the group or one clinician among ``candidates`` (NPIs)."""

    subject = forms.ChoiceField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose who the election is for.",
            "invalid_choice": "This practice or clinician may not opt in this year.",
        },
    )
    decision = forms.ChoiceField(
        label="Election",
        choices=OptInElection.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose an election.",
            "invalid_choice": "Choose one of the elections listed.",
        },
    )

    def __init__(self, *args, subjects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [(s, s) for s in subjects]


TEXT_ERRORS = {
    "max_length": "Use at most %(limit_value)d characters.",
    "null_characters_not_allowed": "Remove the invisible control characters.",
}


class PublicReportingFlagForm(PortalForm):
    """Which figure of the preview to review, and why."""

    figure = forms.ChoiceField(
        label="Figure to review",
        error_messages={
            "required": "Choose the figure to review.",
            "invalid_choice": "Choose a figure from the preview.",
        },
    )
    reason = forms.CharField(
        label="Why this figure looks wrong",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why this figure should be reviewed.", **TEXT_ERRORS},
    )

    def __init__(self, *args, figures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["figure"].choices = [("", "- Select -")] + [
            (f.key, f"{f.label} ({f.value})") for f in figures
        ]

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("Say why this figure should be reviewed.", code="required")
        return reason


class PublicReportingResolutionForm(PortalForm):
    resolution = forms.CharField(
        label="Outcome of the review (sent to the requester)",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what the review found.", **TEXT_ERRORS},
    )

    def clean_resolution(self):
        text = self.cleaned_data["resolution"].strip()
        if not text:
            raise ValidationError("Say what the review found.", code="required")
        return text


class ParticipantSearchForm(PortalForm):
    """Search an APM entity's participants by name, NPI or the last digits of a TIN."""

    q = forms.CharField(
        label="Search by name, NPI or last digits of a TIN",
        required=False,
        max_length=100,
        error_messages=TEXT_ERRORS,
    )

    def clean_q(self):
        return self.cleaned_data["q"].strip()
