from django import template

from organizations.models import mask_tin
from organizations.selectors import parse_full_tin

register = template.Library()


@register.filter
def masked_tin(tin):
    """Show a TIN as ***-**6789: the only way templates may show one."""
    return mask_tin(tin)


@register.simple_tag
def page_range(page):
    """Return the page numbers to link to around ``page``, with ellipses (Paginator.ELLIPSIS)."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)


@register.filter
def masked_query(query):
    """Echo a search query back, masking it when it is a full TIN."""
    tin = parse_full_tin(query)
    return f"TIN {mask_tin(tin)}" if tin else query
