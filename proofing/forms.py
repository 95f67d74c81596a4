import re

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from qpp_portal.forms import PortalForm

from . import documents
from .models import ManualProofingCase, ProofingAttempt, ProofingDocument

REFERENCE_MAX_LENGTH = 20
REFERENCE_PATTERN = re.compile(r"^[A-Z0-9]{6,16}$")


class QuizForm(PortalForm):
    """One required radio group per question; the choices are the backend's opaque values."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        for number, question in enumerate(questions, start=1):
            self.fields[question["key"]] = forms.ChoiceField(
                label=f"{number}. {question['prompt']}",
                choices=[tuple(choice) for choice in question["choices"]],
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Choose an answer to this question.",
                    "invalid_choice": "Choose one of the answers listed.",
                },
            )


def normalize_reference(value):
    """Uppercase and drop spaces and dashes, as people copy reference numbers."""
    return re.sub(r"[\s\-]", "", value or "").upper()


class ReferenceForm(PortalForm):
    reference = forms.CharField(
        label="Reference number",
        max_length=REFERENCE_MAX_LENGTH,
        help_text="As shown when your answers were not accepted, like 1234-5678-9012.",
        error_messages={
            "required": "Enter your reference number.",
            "max_length": (
                f"A reference number is at most {REFERENCE_MAX_LENGTH} characters "
                "(you entered %(show_value)d). Check it and enter it again."
            ),
        },
        widget=forms.TextInput({"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_reference(self):
        reference = normalize_reference(self.cleaned_data["reference"])
        if not REFERENCE_PATTERN.match(reference):
            raise forms.ValidationError(
                "A reference number has only digits and letters, like 1234-5678-9012.",
                code="reference_format",
            )
        return reference


class DocumentField(forms.FileField):
    """A PDF, JPEG or PNG judged by its first bytes, no larger than the setting allows."""

    default_error_messages = {
        "required": "Choose a file to upload.",
        "empty": "This file is empty. Choose the scan or photo of your document.",
        "invalid": "No file was received. Choose the file again.",
        "type": f"This file is not a {documents.ACCEPTED_LABEL}. Upload a scan or photo of "
        "the document in one of those formats.",
        "size": "This file is %(size)s; the largest accepted is %(limit)s.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 255)
        kwargs.setdefault(
            "widget",
            forms.ClearableFileInput({"accept": "application/pdf,image/jpeg,image/png"}),
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if not uploaded:
            return uploaded
        limit = settings.PROOFING_UPLOAD_MAX_BYTES
        if uploaded.size > limit:
            raise forms.ValidationError(
                self.error_messages["size"],
                code="size",
                params={"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
            )
        kind = documents.sniff(uploaded)
        if kind is None:
            raise forms.ValidationError(self.error_messages["type"], code="type")
        uploaded.sniffed = kind
        return uploaded


class ManualProofingForm(PortalForm):
    """One government photo ID and two financial statements.

    ``staged`` maps slots to documents kept from an earlier try: those fields become
    optional so the person need not choose the same files again.
    """

    photo_id_type = forms.ChoiceField(
        label="Which government photo ID are you sending?",
        choices=ManualProofingCase.PhotoIdType.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the kind of photo ID.",
            "invalid_choice": "Choose one of the kinds of ID listed.",
        },
    )
    photo_id = DocumentField(label="Government photo ID")
    statement_1 = DocumentField(label="First financial statement")
    statement_2 = DocumentField(label="Second financial statement")
    address_confirmed = forms.BooleanField(
        label="Both statements are addressed to my registration address",
        error_messages={"required": "Confirm that the statements show your address."},
    )

    HINTS = {
        "photo_id": "Front of the ID, with your photo and name readable. ",
        "statement_1": "A bank, credit card, mortgage or utility statement. ",
        "statement_2": "From a different account or a different month. ",
    }

    def __init__(self, *args, staged=None, address="", **kwargs):
        super().__init__(*args, **kwargs)
        self.set_staged(staged or {})
        if address:
            self.fields[
                "address_confirmed"
            ].label = f"Both statements are addressed to my registration address, {address}"

    def set_staged(self, staged):
        """Make slots with a kept document optional and say so in their hints."""
        self.staged = staged
        limit = filesizeformat(settings.PROOFING_UPLOAD_MAX_BYTES)
        for slot in ProofingDocument.Slot.values:
            field = self.fields[slot]
            hint = self.HINTS[slot]
            if slot in staged:
                field.required = False
                name = staged[slot].original_name or "your file"
                hint = f"We kept {name}; choose a file only to replace it. {hint}"
            field.help_text = f"{hint}{documents.ACCEPTED_LABEL}, at most {limit}."
        # Bound fields copy their help text when first built; rebuild them with the new hints.
        self._bound_fields_cache.clear()

    def valid_uploads(self):
        """Return ``{slot: uploaded file}`` for the files that passed their checks."""
        if not hasattr(self, "cleaned_data"):
            return {}
        return {
            slot: self.cleaned_data[slot]
            for slot in ProofingDocument.Slot.values
            if self.cleaned_data.get(slot)
        }


class ReviewDecisionForm(PortalForm):
    APPROVE = "approve"
    REJECT = "reject"

    decision = forms.ChoiceField(
        label="Decision",
        choices=[(APPROVE, "Approve: the documents prove who this person is"), (REJECT, "Reject")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose approve or reject.",
            "invalid_choice": "Choose approve or reject.",
        },
    )
    reason = forms.CharField(
        label="Reason (required to reject; sent to the person)",
        required=False,
        max_length=1000,
        help_text="Say what to fix, e.g. the statement is addressed elsewhere. "
        "Do not repeat personal numbers from the documents.",
        widget=forms.Textarea({"rows": 4}),
        error_messages={"max_length": "Keep the reason under 1000 characters."},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.REJECT and not cleaned.get("reason", "").strip():
            self.add_error(
                "reason",
                forms.ValidationError("Give the reason for the rejection.", code="reason"),
            )
        return cleaned


class ReferenceSearchForm(ReferenceForm):
    reference = forms.CharField(
        label="Find a reference number",
        required=False,
        max_length=REFERENCE_MAX_LENGTH,
        error_messages=ReferenceForm.base_fields["reference"].error_messages,
    )

    def clean_reference(self):
        if not self.cleaned_data.get("reference"):
            return ""
        return super().clean_reference()


class ClearReferenceForm(PortalForm):
    attempt = forms.ModelChoiceField(
        queryset=ProofingAttempt.objects.filter(status__in=ProofingAttempt.FAILED_STATUSES),
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose a reference number to clear.",
            "invalid_choice": "That reference number no longer exists. Search again.",
        },
    )
