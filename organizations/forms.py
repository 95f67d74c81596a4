from django import forms

from qpp_portal.forms import PortalForm

from . import selectors, validators
from .models import Organization

QUERY_MIN_LENGTH = 2


class OrganizationSearchForm(PortalForm):
    """Check a search for an organization: its kind, an optional APM model type, and a name,
    a full TIN or an APM Entity ID."""

    kind = forms.ChoiceField(
        label="Organization type",
        choices=Organization.Kind.choices,
        initial=Organization.Kind.PRACTICE,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the type of organization.",
            "invalid_choice": "Choose practice, APM Entity or registry.",
        },
    )
    model_type = forms.ChoiceField(
        label="APM Entity model type",
        choices=[("", "Any model type"), *Organization.ModelType.choices],
        required=False,
        help_text="APM entities only.",
        error_messages={"invalid_choice": "Choose a model type from the list."},
    )
    query = forms.CharField(
        label="Name, full TIN or APM Entity ID",
        max_length=selectors.QUERY_MAX_LENGTH,
        help_text=(
            "Practices and registries: the legal business name or the full 9-digit TIN "
            "(12-3456789). APM entities: the legal business name or the APM Entity ID."
        ),
        error_messages={
            "required": "Enter a name, a full TIN or an APM Entity ID.",
            "max_length": "Enter at most %(limit_value)d characters.",
            "null_characters_not_allowed": "Remove the invisible control characters.",
        },
    )

    def clean_query(self):
        query = selectors.clean_query(self.cleaned_data["query"])
        if len(query) < QUERY_MIN_LENGTH:
            raise forms.ValidationError(
                "Enter at least %(min)d characters of the name.",
                code="query_too_short",
                params={"min": QUERY_MIN_LENGTH},
            )
        return query

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        query = cleaned.get("query")
        if (
            query
            and kind in (Organization.Kind.PRACTICE, Organization.Kind.REGISTRY)
            and selectors.looks_like_identifier_digits(query)
            and not selectors.parse_full_tin(query)
        ):
            self.add_error(
                "query",
                forms.ValidationError(
                    "Enter the full 9-digit TIN, for example 12-3456789. We don't search "
                    "by part of a TIN.",
                    code="partial_tin",
                ),
            )
        if kind != Organization.Kind.APM_ENTITY:
            cleaned["model_type"] = ""
        return cleaned


class IdentifierField(forms.CharField):
    """A reference-data identifier as a person types it: normalised, then validated with
    the same checks that guard the import (organizations.validators)."""

    normalize = staticmethod(validators.normalize_identifier)
    validate_identifier = None
    numeric = False
    default_help_text = ""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", self.default_help_text)
        super().__init__(**kwargs)
        self.widget.attrs["autocomplete"] = "off"
        if self.numeric:
            self.widget.attrs["inputmode"] = "numeric"

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        value = self.normalize(value)
        self.validate_identifier(value)
        return value


class TinField(IdentifierField):
    normalize = staticmethod(validators.normalize_tin)
    validate_identifier = staticmethod(validators.validate_tin)
    numeric = True
    default_help_text = validators.TIN_HELP_TEXT


class NpiField(IdentifierField):
    normalize = staticmethod(validators.normalize_npi)
    validate_identifier = staticmethod(validators.validate_npi)
    numeric = True
    default_help_text = validators.NPI_HELP_TEXT


class PtanField(IdentifierField):
    normalize = staticmethod(validators.normalize_ptan)
    validate_identifier = staticmethod(validators.validate_ptan)
    default_help_text = validators.PTAN_HELP_TEXT


class ApmEntityIdField(IdentifierField):
    validate_identifier = staticmethod(validators.validate_apm_entity_id)


class RegistryIdField(IdentifierField):
    validate_identifier = staticmethod(validators.validate_registry_id)
