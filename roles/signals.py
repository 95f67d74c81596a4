"""Forget what the shared cache holds of a person's active role when the role, its
organization or its clinician changes (roles.selectors.active_membership)."""

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from organizations.models import Clinician, Organization

from . import selectors
from .models import Membership


def forget_cached_membership(sender, instance, **kwargs):
    _forget([selectors.active_membership_cache_key(instance.user_id, instance.organization_id)])


def forget_cached_memberships_of_organization(sender, instance, **kwargs):
    _forget_memberships(Membership.objects.filter(organization=instance))


def forget_cached_memberships_of_clinician(sender, instance, **kwargs):
    _forget_memberships(Membership.objects.filter(clinician=instance))


def _forget_memberships(memberships):
    active = memberships.filter(status=Membership.Status.ACTIVE)
    _forget(
        [
            selectors.active_membership_cache_key(user_id, organization_id)
            for user_id, organization_id in active.values_list("user_id", "organization_id")
        ]
    )


def _forget(keys):
    if not keys:
        return
    cache.delete_many(keys)
    # Again at commit: a request may have read the row before it and cached that copy.
    transaction.on_commit(lambda: cache.delete_many(keys), robust=True)


def connect_cache_invalidation():
    """Connect the receivers above to the models and to their proxies (a ``Practice`` saved
    is an Organization saved) (called from RolesConfig.ready)."""
    receivers = {
        Membership: forget_cached_membership,
        Organization: forget_cached_memberships_of_organization,
        Clinician: forget_cached_memberships_of_clinician,
    }
    for model in apps.get_models():
        receiver = receivers.get(model._meta.concrete_model)
        if receiver is not None:
            post_save.connect(receiver, sender=model)
            post_delete.connect(receiver, sender=model)
