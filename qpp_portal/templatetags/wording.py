"""Say internal identifiers in people's words: a proofing backend by its label, not its
Python path; a reason code ("no_match", "time_limit") as a sentence."""

from django import template
from django.utils.module_loading import import_string

register = template.Library()

REASONS = {
    "no_match": "The answers did not match the credit file",
    "time_limit": "The time limit passed",
    "too_many_failures": "Too many failed tries",
}


@register.filter
def backend_label(path):
    """Return a proofing backend's ``label`` for its dotted path ("Manual document review")."""
    if not path:
        return "None"
    try:
        return import_string(path).label
    except (ImportError, AttributeError):
        return "A backend no longer installed"


@register.filter
def reason_label(code):
    """Return a reason code as words; free text given by a person is returned unchanged."""
    code = str(code)
    if code in REASONS:
        return REASONS[code]
    if code.isidentifier() and "_" in code and code.lower() == code:
        return code.replace("_", " ").capitalize()
    return code
