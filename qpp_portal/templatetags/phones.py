"""Show phone numbers as people read them, and as links a phone can call.

``phonenumbers`` (already a dependency) formats them; django-phonenumber-field would
change the stored fields and their migrations, for display alone that is not needed."""

import phonenumbers
from django import template
from django.utils.html import format_html

register = template.Library()


def _parse(value):
    try:
        number = phonenumbers.parse(str(value), "US")
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


@register.filter
def phone_display(value):
    """Return ``+12025550143`` as ``(202) 555-0143`` (international form outside the US)."""
    number = _parse(value)
    if number is None:
        return value or ""
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


@register.filter
def phone_link(value):
    """Return a ``tel:`` link showing the formatted number; plain text if it is no number."""
    number = _parse(value)
    if number is None:
        return value or ""
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return format_html('<a class="usa-link" href="tel:{}">{}</a>', e164, phone_display(value))
