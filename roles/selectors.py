"""Reads and permission checks for roles. Views load organization data only through these."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .capabilities import Role, role_allows
from .models import Membership


def active_memberships(user):
    """Return the person's active roles, with their organizations."""
    return Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).select_related(
        "organization", "clinician"
    )


def active_membership(user, organization_id):
    return active_memberships(user).filter(organization_id=organization_id).first()


def get_membership_for_capability(user, organization_id, capability):
    """Return the person's active membership in the organization if its role allows
    ``capability``; raise Http404 if they hold no role there (its existence must not leak)
    and PermissionDenied if their role does not allow it."""
    membership = active_membership(user, organization_id)
    if membership is None:
        raise Http404("No such organization among yours.")
    if not role_allows(membership.role, membership.organization, capability):
        raise PermissionDenied("Your role does not allow this.")
    return membership


def get_organization_for_user(user, organization_id, capability):
    """Return the organization, checked as ``get_membership_for_capability`` does."""
    return get_membership_for_capability(user, organization_id, capability).organization


def has_capability(user, organization, capability):
    membership = active_membership(user, organization.pk)
    return membership is not None and role_allows(membership.role, organization, capability)


def security_officials(organization):
    """Return the organization's active Security Officials."""
    return Membership.objects.filter(
        organization=organization,
        role=Role.SECURITY_OFFICIAL,
        status=Membership.Status.ACTIVE,
    ).select_related("user")


def has_security_official(organization):
    return security_officials(organization).exists()
