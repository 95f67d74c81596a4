"""Input checks for the submission pages: they read what a person typed into numbers, dates
and choices, and turn it into CMS's submission shape. The rules of the data (90-day
periods, CEHRT ID format, numerator not above denominator, ...) are validation's
(``submissions.validation``): the pages call the services and put each problem back
beside the field its JSON path points to (``SetForm.add_problems``)."""

import re

from django import forms
from django.core.exceptions import ValidationError

from qpp_portal.forms import PortalForm

from . import catalogue
from .catalogue import Category, MetricType
from .models import SubmissionMethod
from .services import MAXIMUM_SUBMISSION_BYTES

# Reporting for: the group (TIN), the APM entity or virtual group itself, or a clinician's
# NPI (10 digits).
GROUP = "group"
APM_ENTITY = "apm"
VIRTUAL_GROUP = "virtual-group"
MAXIMUM_QUALITY_MEASURES = 30
SEARCH_MAX_LENGTH = 100

NULL_MESSAGE = "Remove the invisible control characters."
WHOLE_NUMBER = "Enter a whole number, like 25."
NUMBER = "Enter a number, like 85.5."
DATE = "Enter a real date, like {year}-01-01."

OBJECTIVE_LABELS = {
    "electronicPrescribing": "e-Prescribing",
    "healthInformationExchange": "Health Information Exchange",
    "providerToPatientExchange": "Provider to Patient Exchange",
    "publicHealthAndClinicalDataExchange": "Public Health and Clinical Data Exchange",
    "protectPatientHealthInformation": "Protect Patient Health Information",
    "attestation": "Attestations",
}
SUBCATEGORY_LABELS = {
    "achievingHealthEquity": "Achieving Health Equity",
    "behavioralAndMentalHealth": "Behavioral and Mental Health",
    "beneficiaryEngagement": "Beneficiary Engagement",
    "careCoordination": "Care Coordination",
    "emergencyResponseAndPreparedness": "Emergency Response and Preparedness",
    "expandedPracticeAccess": "Expanded Practice Access",
    "patientSafetyAndPracticeAssessment": "Patient Safety and Practice Assessment",
    "populationManagement": "Population Management",
}
METHOD_LABELS = {
    SubmissionMethod.REGISTRY: "MIPS CQMs and QCDR measures (registry)",
    SubmissionMethod.ELECTRONIC_HEALTH_RECORD: "eCQMs (electronic health record)",
}


def words(camel):
    """Return a camelCase name in words ("populationManagement" -> "Population Management")."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", camel or "")
    return spaced[:1].upper() + spaced[1:]


def objective_label(objective):
    return OBJECTIVE_LABELS.get(objective) or words(objective) or "Other measures"


def subcategory_label(subcategory):
    return SUBCATEGORY_LABELS.get(subcategory) or words(subcategory)


def _whole(value):
    """Return a float that is a whole number as an int (25.0 -> 25), CMS's examples' style."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def count_field(label, *, required=False, integer=True):
    field_class = forms.IntegerField if integer else forms.FloatField
    return field_class(
        label=label,
        required=required,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric" if integer else "decimal", "class": "usa-input--small"}
        ),
        error_messages={
            "required": f"Enter the {label[0].lower() + label[1:]}.",
            "invalid": WHOLE_NUMBER if integer else NUMBER,
        },
    )


def date_field(label, year, example):
    return forms.DateField(
        label=label,
        help_text=f"For example: {year}-{example}",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": f"Enter the {label[0].lower() + label[1:]}.",
            "invalid": DATE.format(year=year),
        },
    )


# --- Choosing the year and whom the data is for -----------------------------------------------


class ReportingForm(PortalForm):
    """The performance year and whom the data is for (``entities``: value -> label)."""

    performance_year = forms.TypedChoiceField(
        label="Performance year",
        coerce=int,
        error_messages={"invalid_choice": "Choose a performance year from the list."},
    )
    reporting_for = forms.ChoiceField(
        label="Report for",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whom you report for.",
            "invalid_choice": "Choose the group or one of the clinicians listed.",
        },
    )

    def __init__(self, *args, entities, **kwargs):
        super().__init__(*args, **kwargs)
        years = sorted(catalogue.performance_years(), reverse=True)
        self.fields["performance_year"].choices = [(y, str(y)) for y in years]
        self.fields["performance_year"].initial = years[0]
        self.fields["reporting_for"].choices = list(entities.items())
        if len(entities) == 1:
            self.fields["reporting_for"].initial = next(iter(entities))


class SearchForm(PortalForm):
    """A free-text filter of a list (GET): matched against titles, IDs and subcategories."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        error_messages={
            "max_length": f"Search with at most {SEARCH_MAX_LENGTH} characters.",
            "null_characters_not_allowed": NULL_MESSAGE,
        },
    )

    def query(self):
        if self.is_valid():
            return self.cleaned_data["q"].strip().lower()
        return ""


def matches(measure, query):
    if not query:
        return True
    haystack = " ".join(
        (
            measure.measure_id,
            measure.title,
            measure.subcategory,
            subcategory_label(measure.subcategory),
            measure.description,
        )
    ).lower()
    return all(word in haystack for word in query.split())


# --- Measurement sets ------------------------------------------------------------------------


class SetForm(PortalForm):
    """A form that becomes one measurement set of a submission.

    ``measurement_set()`` returns the set in CMS's shape and records, for each JSON path it
    wrote (relative to the set), the field the person typed it in: ``add_problems`` then
    puts each of validation's problems beside that field (the longest matching path wins;
    a problem no field owns goes above the form).
    """

    category = ""
    submission_method = SubmissionMethod.REGISTRY
    set_fields = {
        ".performanceStart": "performance_start",
        ".performanceEnd": "performance_end",
        ".cehrtId": "cehrt_id",
    }

    def __init__(self, *args, year, **kwargs):
        self.year = year
        super().__init__(*args, **kwargs)
        self.fields["performance_start"] = date_field("Performance period start", year, "01-01")
        self.fields["performance_end"] = date_field("Performance period end", year, "12-31")
        self.paths = {}

    def measurements(self):
        """Return the measurements in CMS's shape, recording their paths in ``self.paths``."""
        raise NotImplementedError

    def measurement_set(self):
        data = self.cleaned_data
        self.paths = {path: name for path, name in self.set_fields.items() if name in self.fields}
        measurement_set = {
            "category": self.category,
            "submissionMethod": self.submission_method,
            "programName": "mips",
            "performanceStart": data["performance_start"].isoformat(),
            "performanceEnd": data["performance_end"].isoformat(),
            "measurements": self.measurements(),
        }
        if data.get("cehrt_id"):
            measurement_set["cehrtId"] = data["cehrt_id"]
        return measurement_set

    def add_problems(self, problems, prefix="$.measurementSets[0]"):
        """Add each ``validation.Problem`` to the field its path names, or above the form."""
        for problem in problems:
            field = None
            if problem.path.startswith(prefix):
                relative = problem.path[len(prefix) :]
                best = ""
                for path in self.paths:
                    if (relative == path or relative.startswith((path + ".", path + "["))) and len(
                        path
                    ) > len(best):
                        best = path
                field = self.paths.get(best)
            if field is not None and field in self.fields:
                self.add_error(field, problem.message)
            else:
                self.add_error(None, problem.message)


class ImprovementActivitiesForm(SetForm):
    """Attest improvement activities of the year, over one performance period."""

    category = Category.IMPROVEMENT_ACTIVITIES
    set_fields = {**SetForm.set_fields, ".measurements": "activities"}

    def __init__(self, *args, year, **kwargs):
        super().__init__(*args, year=year, **kwargs)
        self.activities = catalogue.measures_of_category(year, Category.IMPROVEMENT_ACTIVITIES)
        self.fields["activities"] = forms.MultipleChoiceField(
            label="Activities you attest to",
            choices=[(m.measure_id, m.title) for m in self.activities],
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "required": "Choose at least one activity.",
                "invalid_choice": "Choose activities from the list.",
            },
        )
        self.order_fields(["activities", "performance_start", "performance_end"])

    def measurements(self):
        chosen = set(self.cleaned_data["activities"])
        result = []
        for measure in self.activities:
            if measure.measure_id in chosen:
                self.paths[f".measurements[{len(result)}]"] = "activities"
                result.append({"measureId": measure.measure_id, "value": True})
        return result

    def checked(self):
        """Return the IDs ticked in this form (typed, or loaded from the stored set)."""
        if self.is_bound:
            return set(self.data.getlist(self.add_prefix("activities")))
        return set(self.initial.get("activities", ()))


YES_NO = [("yes", "Yes"), ("no", "No")]


class PromotingInteroperabilityForm(SetForm):
    """The year's Promoting Interoperability measures, by objective: yes/no statements,
    numerator and denominator of proportions, exclusions as checkboxes."""

    category = Category.PROMOTING_INTEROPERABILITY

    def __init__(self, *args, year, **kwargs):
        super().__init__(*args, year=year, **kwargs)
        self.fields["cehrt_id"] = forms.CharField(
            label="CEHRT ID",
            max_length=15,
            help_text="The 15-character certification ID of your EHR, from the ONC's CHPL, "
            "for example 0015C12345ABCDE.",
            error_messages={
                "required": "Enter the CEHRT ID.",
                "max_length": "A CEHRT ID is 15 characters.",
                "null_characters_not_allowed": NULL_MESSAGE,
            },
        )
        self.fields["cehrt_id"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self.measures = catalogue.measures_of_category(year, Category.PROMOTING_INTEROPERABILITY)
        self.field_names = {}  # measure_id -> [field names]
        for index, measure in enumerate(self.measures):
            name = f"pi{index}"
            label = f"{measure.title} ({measure.measure_id})"
            if measure.is_exclusion:
                self.fields[name] = forms.BooleanField(
                    label=f"Claim the exclusion: {label}", required=False
                )
                self.field_names[measure.measure_id] = [name]
            elif measure.metric_type == MetricType.PROPORTION:
                self.fields[f"{name}_numerator"] = count_field("Numerator")
                self.fields[f"{name}_denominator"] = count_field("Denominator")
                self.fields[f"{name}_numerator"].summary_label = f"{measure.measure_id}: numerator"
                self.fields[
                    f"{name}_denominator"
                ].summary_label = f"{measure.measure_id}: denominator"
                self.field_names[measure.measure_id] = [f"{name}_numerator", f"{name}_denominator"]
            else:
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    choices=YES_NO,
                    required=False,
                    widget=forms.RadioSelect,
                    error_messages={"invalid_choice": "Choose yes or no."},
                )
                self.field_names[measure.measure_id] = [name]

    def clean(self):
        cleaned = super().clean()
        for measure in self.measures:
            names = self.field_names[measure.measure_id]
            if len(names) == 2:
                given = [n for n in names if self.data.get(self.add_prefix(n), "").strip()]
                if len(given) == 1 and not any(self.has_error(n) for n in names):
                    missing = names[1] if given == [names[0]] else names[0]
                    self.add_error(
                        missing, "Enter both the numerator and the denominator, or neither."
                    )
        return cleaned

    def measurements(self):
        data = self.cleaned_data
        result = []
        for measure in self.measures:
            names = self.field_names[measure.measure_id]
            path = f".measurements[{len(result)}]"
            if measure.is_exclusion:
                if not data.get(names[0]):
                    continue
                value = True
                self.paths[path] = names[0]
            elif len(names) == 2:
                numerator, denominator = (data.get(n) for n in names)
                if numerator is None and denominator is None:
                    continue
                value = {"numerator": numerator, "denominator": denominator}
                self.paths[path] = names[0]
                self.paths[f"{path}.value.numerator"] = names[0]
                self.paths[f"{path}.value.denominator"] = names[1]
            else:
                answer = data.get(names[0])
                if not answer:
                    continue
                value = answer == "yes"
                self.paths[path] = names[0]
            result.append({"measureId": measure.measure_id, "value": value})
        return result

    def groups(self):
        """Return ``[(objective label, [row])]``; each row is a measure with its bound fields
        and the bound checkboxes of the exclusions that apply to it."""
        by_id = {m.measure_id: m for m in self.measures}
        placed = {e for m in self.measures for e in m.exclusions if e in by_id}
        groups = {}
        for measure in self.measures:
            if measure.is_exclusion and measure.measure_id in placed:
                continue
            row = {
                "measure": measure,
                "fields": [self[n] for n in self.field_names[measure.measure_id]],
                "exclusions": [
                    self[self.field_names[e][0]] for e in measure.exclusions if e in by_id
                ],
            }
            groups.setdefault(objective_label(measure.objective), []).append(row)
        return list(groups.items())


def initial_pi(form_measures, stored):
    """Return the initial data of a PI form from a stored set's ``{measure_id: value}``."""
    initial = {}
    for index, measure in enumerate(form_measures):
        if measure.measure_id not in stored:
            continue
        value = stored[measure.measure_id]
        name = f"pi{index}"
        if measure.is_exclusion:
            initial[name] = value is True
        elif isinstance(value, dict):
            initial[f"{name}_numerator"] = value.get("numerator")
            initial[f"{name}_denominator"] = value.get("denominator")
        elif isinstance(value, bool):
            initial[name] = "yes" if value else "no"
    return initial


class QualityMeasureChoiceForm(PortalForm):
    """Which quality measures to report, by submission method (GET)."""

    method = forms.ChoiceField(
        label="How the measures are collected",
        choices=list(METHOD_LABELS.items()),
        initial=SubmissionMethod.REGISTRY,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how the measures are collected.",
            "invalid_choice": "Choose MIPS CQMs or eCQMs.",
        },
    )
    measure = forms.MultipleChoiceField(
        label="Measures",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose measures from the list."},
    )

    def __init__(self, *args, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.fields["measure"].choices = [
            (m.measure_id, m.title) for m in catalogue.measures_of_category(year, Category.QUALITY)
        ]

    def method_value(self):
        value = self.data.get("method") if self.is_bound else None
        return value if value in METHOD_LABELS else SubmissionMethod.REGISTRY

    def clean(self):
        cleaned = super().clean()
        method, chosen = cleaned.get("method"), cleaned.get("measure") or []
        if method:
            wrong = [
                m
                for m in chosen
                if method not in catalogue.measure(self.year, m).submission_methods
            ]
            if wrong:
                self.add_error(
                    "measure",
                    f"Measure {', '.join(wrong)} cannot be reported as {METHOD_LABELS[method]}.",
                )
        if len(chosen) > MAXIMUM_QUALITY_MEASURES:
            self.add_error("measure", f"Choose at most {MAXIMUM_QUALITY_MEASURES} measures.")
        return cleaned


RATE_FIELDS = [
    ("performanceMet", "performance_met", "Performance met", True),
    ("performanceNotMet", "performance_not_met", "Performance not met", False),
    ("eligiblePopulation", "eligible_population", "Eligible population", True),
    ("eligiblePopulationExclusion", "exclusions", "Denominator exclusions", False),
    ("eligiblePopulationException", "exceptions", "Denominator exceptions", False),
]
NON_PROPORTION_FIELDS = [
    ("numerator", "numerator", "Numerator", True, False),
    ("denominator", "denominator", "Denominator", True, False),
    ("observationInstances", "observation_instances", "Observation instances", True, True),
    ("numeratorExclusion", "numerator_exclusion", "Numerator exclusions", False, False),
    ("denominatorException", "denominator_exception", "Denominator exceptions", False, False),
]


class QualityForm(SetForm):
    """The counts of each chosen quality measure (per stratum for multi-rate measures, and
    the stated performance rate of QCDR measures)."""

    category = Category.QUALITY

    def __init__(self, *args, year, submission_method, measure_ids, **kwargs):
        super().__init__(*args, year=year, **kwargs)
        self.submission_method = submission_method
        self.fields["end_to_end"] = forms.BooleanField(
            label="The data was collected and reported end to end with certified EHR technology",
            required=False,
        )
        self.measures = [catalogue.measure(year, m) for m in sorted(measure_ids)]
        self.layout = []  # one entry per measure: its field names, grouped for the template
        for index, measure in enumerate(self.measures):
            prefix = f"q{index}"
            entry = {"measure": measure, "prefix": prefix, "rate": None, "groups": []}
            if measure.metric_type in MetricType.RATE_SUBMITTED:
                name = f"{prefix}_performance_rate"
                self.fields[name] = forms.FloatField(
                    label="Performance rate (%)",
                    widget=forms.TextInput(
                        attrs={"inputmode": "decimal", "class": "usa-input--small"}
                    ),
                    error_messages={"required": "Enter the performance rate.", "invalid": NUMBER},
                )
                self.fields[name].summary_label = f"{measure.measure_id}: performance rate"
                entry["rate"] = name
            if measure.metric_type in MetricType.MULTI_RATES:
                for j, stratum in enumerate(measure.strata):
                    names = self._rate_fields(f"{prefix}_s{j}", f"{measure.measure_id} {stratum}")
                    entry["groups"].append((f"Stratum {stratum}", stratum, names))
            elif measure.metric_type == MetricType.NON_PROPORTION:
                names = []
                for _, suffix, label, required, integer in NON_PROPORTION_FIELDS:
                    name = f"{prefix}_{suffix}"
                    self.fields[name] = count_field(label, required=required, integer=integer)
                    self.fields[name].summary_label = f"{measure.measure_id}: {label.lower()}"
                    names.append(name)
                entry["groups"].append(("Counts", None, names))
            else:
                entry["groups"].append(
                    ("Counts", None, self._rate_fields(prefix, measure.measure_id))
                )
            self.layout.append(entry)

    def _rate_fields(self, prefix, summary):
        names = []
        for _, suffix, label, required in RATE_FIELDS:
            name = f"{prefix}_{suffix}"
            self.fields[name] = count_field(label, required=required)
            self.fields[name].summary_label = f"{summary}: {label.lower()}"
            names.append(name)
        return names

    def _counts(self, names, fields, path):
        data = self.cleaned_data
        value = {}
        for (key, *_), name in zip(fields, names, strict=True):
            if data.get(name) is not None:
                value[key] = _whole(data[name])
            self.paths[f"{path}.{key}"] = name
        return value

    def measurements(self):
        data = self.cleaned_data
        result = []
        for index, entry in enumerate(self.layout):
            measure = entry["measure"]
            path = f".measurements[{index}]"
            first = entry["rate"] or entry["groups"][0][2][0]
            self.paths[path] = first
            if measure.metric_type == MetricType.NON_PROPORTION:
                value = self._counts(entry["groups"][0][2], NON_PROPORTION_FIELDS, f"{path}.value")
            elif measure.metric_type in MetricType.MULTI_RATES:
                strata = []
                for j, (_, stratum, names) in enumerate(entry["groups"]):
                    self.paths[f"{path}.value.strata[{j}]"] = names[0]
                    counts = self._counts(names, RATE_FIELDS, f"{path}.value.strata[{j}]")
                    strata.append({"stratum": stratum, **counts})
                value = {"strata": strata}
            else:
                value = self._counts(entry["groups"][0][2], RATE_FIELDS, f"{path}.value")
            value["isEndToEndReported"] = bool(data.get("end_to_end"))
            self.paths[f"{path}.value.isEndToEndReported"] = "end_to_end"
            if entry["rate"]:
                value["performanceRate"] = _whole(data[entry["rate"]])
                self.paths[f"{path}.value.performanceRate"] = entry["rate"]
            result.append({"measureId": measure.measure_id, "value": value})
        return result

    def entries(self):
        """Return the layout with bound fields, for the template."""
        return [
            {
                **entry,
                "rate_field": self[entry["rate"]] if entry["rate"] else None,
                "groups": [
                    (title, stratum, [self[n] for n in names])
                    for title, stratum, names in entry["groups"]
                ],
                "has_errors": any(
                    self.has_error(n) for _, _, names in entry["groups"] for n in names
                )
                or bool(entry["rate"] and self.has_error(entry["rate"])),
            }
            for entry in self.layout
        ]


def initial_quality(form, stored):
    """Return the initial data of a QualityForm from a stored set's ``{measure_id: value}``."""
    initial = {}
    for entry in form.layout:
        value = stored.get(entry["measure"].measure_id)
        if not isinstance(value, dict):
            continue
        if value.get("isEndToEndReported"):
            initial["end_to_end"] = True
        if entry["rate"] and "performanceRate" in value:
            initial[entry["rate"]] = value["performanceRate"]
        if entry["measure"].metric_type in MetricType.MULTI_RATES:
            by_name = {s.get("stratum"): s for s in value.get("strata") or ()}
            for _, stratum, names in entry["groups"]:
                counts = by_name.get(stratum, {})
                for (key, *_), name in zip(RATE_FIELDS, names, strict=True):
                    initial[name] = counts.get(key)
        else:
            fields = (
                NON_PROPORTION_FIELDS
                if entry["measure"].metric_type == MetricType.NON_PROPORTION
                else RATE_FIELDS
            )
            for (key, *_), name in zip(fields, entry["groups"][0][2], strict=True):
                initial[name] = value.get(key)
    return initial


# --- Upload and tokens -----------------------------------------------------------------------


class UploadForm(PortalForm):
    """A QPP JSON submission file (at most 2 MB: larger files are refused unread)."""

    file = forms.FileField(
        label="Submission file (QPP JSON)",
        help_text="A .json file in the Submissions API's format, at most 2 MB.",
        error_messages={
            "required": "Choose a submission file.",
            "empty": "The file is empty.",
            "invalid": "Choose a file to upload.",
            "max_length": "The file name is too long.",
        },
        max_length=255,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".json,application/json"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAXIMUM_SUBMISSION_BYTES:
            raise ValidationError(
                f"The file is larger than {MAXIMUM_SUBMISSION_BYTES // 1024 // 1024} MB.",
                code="too_large",
            )
        return upload


class TokenForm(PortalForm):
    label = forms.CharField(
        label="Label",
        max_length=100,
        help_text="What the token is for, so you can tell your tokens apart: for example "
        "“Nightly upload from our EHR”.",
        error_messages={
            "required": "Enter a label for the token.",
            "max_length": "Use at most 100 characters.",
            "null_characters_not_allowed": NULL_MESSAGE,
        },
    )

    def clean_label(self):
        label = " ".join(self.cleaned_data["label"].split())
        if not label:
            raise ValidationError("Enter a label for the token.", code="required")
        if any(not ch.isprintable() for ch in label):
            raise ValidationError(NULL_MESSAGE, code="control_characters")
        return label
