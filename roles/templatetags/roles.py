from django import template

from roles.capabilities import role_allows

register = template.Library()

CONNECT_STEPS = ("Organization type", "Find it", "Role", "Details", "Result")


@register.filter
def allows(membership, capability):
    """``{% if membership|allows:"manage_access" %}``: the capability table's one check."""
    return membership is not None and role_allows(
        membership.role, membership.organization, capability
    )


@register.simple_tag
def connect_steps():
    return CONNECT_STEPS
