from django.forms.renderers import TemplatesSetting


class USWDSFormRenderer(TemplatesSetting):
    """Render every form and field with the USWDS templates in templates/forms/."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
