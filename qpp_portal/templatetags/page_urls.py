"""``{% page_url "name" %}``: the URL of a page without arguments, as ``{% url %}`` gives
it, worked out once per process for the links every page shows (templates/base.html)."""

from functools import cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@cache
def _page_url(name, script_prefix, urlconf):
    # The arguments are everything reverse() reads for a URL without arguments.
    return reverse(name, urlconf)


@register.simple_tag
def page_url(name):
    # Reversing the header's dozen links cost a fifth of drawing a small page.
    return _page_url(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
