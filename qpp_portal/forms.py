from django import forms
from django.forms.renderers import TemplatesSetting


class USWDSFormRenderer(TemplatesSetting):
    """Render every form and field with the USWDS templates in templates/forms/."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


GENERIC_REQUIRED = forms.Field.default_error_messages["required"]


def required_message(field, name):
    """Say what is missing ("Enter your city.") instead of Django's "This field is required."."""
    label = str(field.label or name.replace("_", " ").capitalize())
    if not label[1:2].isupper():  # keep acronyms such as "ZIP code", "NPI" as they are
        label = label[0].lower() + label[1:]
    verb = "Select" if isinstance(field, forms.ChoiceField | forms.FileField) else "Enter"
    if isinstance(field, forms.FileField):
        verb = "Choose"
    return f"{verb} {label.removesuffix(' (optional)')}."


class PortalForm(forms.Form):
    """Base of the portal's forms: required-field messages that name the field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.error_messages.get("required") == GENERIC_REQUIRED:
                field.error_messages["required"] = required_message(field, name)
