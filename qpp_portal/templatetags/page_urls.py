"""``{% page_url "name" arg ... %}``: a page's URL as ``{% url %}`` gives it, remembered by
the process: the links every page shows (templates/base.html) and those a page repeats for
its organization or rows (the feedback sections, the members' Remove links)."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

# Links are as many as organizations and members (the header's few among them): the
# most recently used are remembered (a few hundred bytes each).
REMEMBERED_URLS = 4096


@lru_cache(maxsize=REMEMBERED_URLS)
def _page_url(name, args, script_prefix, urlconf):
    # The arguments are everything reverse() reads for a URL with positional arguments.
    return reverse(name, urlconf, args=args)


def url_for(name, *args):
    """Return ``reverse(name, args=args)``, worked out once per process for arguments that
    are numbers or text (anything else is reversed every time)."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    if all(type(arg) in (int, str) for arg in args):
        return _page_url(name, args, get_script_prefix(), urlconf)
    return reverse(name, urlconf, args=args)


@register.simple_tag
def page_url(name, *args):
    # Reversing a page's links cost a fifth of drawing a small page.
    return url_for(name, *args)
