"""Input checks for registration. Forms validate and normalise; services act."""

from django import forms
from django.core.exceptions import ValidationError

from qpp_portal.forms import PortalForm

from . import rules
from .models import SurveyRegistration


class RegistrationForm(PortalForm):
    kind = forms.ChoiceField(
        label="Register for",
        choices=SurveyRegistration.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what to register for.",
            "invalid_choice": "Choose the CMS Web Interface or the CAHPS for MIPS survey.",
        },
    )
    vendor = forms.ChoiceField(
        label="CAHPS for MIPS survey vendor",
        required=False,
        help_text="Needed for the CAHPS for MIPS survey: the vendor that will run it.",
        error_messages={"invalid_choice": "Choose a survey vendor from the list."},
    )

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [
                c for c in SurveyRegistration.Kind.choices if c[0] in kinds
            ]
        self.fields["vendor"].choices = [("", "- Select -")] + list(rules.cahps_vendors().items())

    def clean(self):
        data = super().clean()
        if data.get("kind") == SurveyRegistration.Kind.CAHPS and not data.get("vendor"):
            self.add_error(
                "vendor", ValidationError("Choose a survey vendor for CAHPS.", code="vendor")
            )
        return data
