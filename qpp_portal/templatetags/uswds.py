"""Render a bound field's control with USWDS classes and accessible error wiring."""

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

INPUT_CLASSES = {
    forms.Select: "usa-select",
    forms.SelectMultiple: "usa-select",
    forms.Textarea: "usa-textarea",
    forms.ClearableFileInput: "usa-file-input",
    forms.FileInput: "usa-file-input",
}


def described_by(field):
    """Return the ids of the error and hint that describe ``field``, errors first."""
    ids = []
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    if field.help_text:
        ids.append(f"{field.auto_id}_hint")
    return " ".join(ids)


def accessibility_attrs(field):
    attrs = {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    ids = described_by(field)
    if ids:
        attrs["aria-describedby"] = ids
    return attrs


@register.simple_tag
def uswds_widget(field):
    widget = field.field.widget
    attrs = accessibility_attrs(field)
    if isinstance(widget, forms.CheckboxInput):
        attrs["class"] = "usa-checkbox__input"
        return format_html(
            '<div class="usa-checkbox">{}<label class="usa-checkbox__label" for="{}">{}</label></div>',
            field.as_widget(attrs=attrs),
            field.id_for_label,
            field.label,
        )
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        # CheckboxSelectMultiple is a subclass of RadioSelect: test it first.
        kind = "checkbox" if isinstance(widget, forms.CheckboxSelectMultiple) else "radio"
        options = []
        for option in field.subwidgets:
            option.data["attrs"].update(attrs, **{"class": f"usa-{kind}__input"})
            options.append((kind, option.tag(), kind, option.id_for_label, option.choice_label))
        return format_html_join(
            "",
            '<div class="usa-{}">{}<label class="usa-{}__label" for="{}">{}</label></div>',
            options,
        )
    css = INPUT_CLASSES.get(type(widget), "usa-input")
    if field.errors and css != "usa-file-input":
        # One USWDS error border for inputs, selects and text areas alike.
        css += " usa-input--error"
    if widget.attrs.get("class"):
        css = f"{css} {widget.attrs['class']}"
    attrs["class"] = css
    # Django's widget templates escape every value; only the attributes above are added
    # (bandit B308 and B703, ruff S308).
    return mark_safe(field.as_widget(attrs=attrs))  # noqa: S308  # nosec B703, B308


@register.filter
def is_choice_group(field):
    return isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)


@register.filter
def is_checkbox(field):
    return isinstance(field.field.widget, forms.CheckboxInput)
