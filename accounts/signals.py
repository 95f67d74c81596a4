"""Audit sign-in outcomes reported by django.contrib.auth and django-axes; forget what the
shared cache holds of an account, a device or a permission when it changes."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django_otp.models import Device

from audit.models import AuditEvent
from audit.services import record_event

from . import selectors


@receiver(user_logged_in)
def audit_sign_in(sender, request, user, **kwargs):
    record_event(action=AuditEvent.Action.SIGN_IN_SUCCEEDED, request=request, actor=user)


@receiver(user_logged_out)
def audit_sign_out(sender, request, user, **kwargs):
    if user is not None:
        record_event(action=AuditEvent.Action.SIGNED_OUT, request=request, actor=user)


@receiver(user_login_failed)
def audit_sign_in_failure(sender, credentials, request=None, **kwargs):
    # Attach the event to the account only if it exists; never store the typed user ID
    # otherwise (it may be a password typed into the wrong box).
    username = credentials.get("username") or ""
    subject = get_user_model().objects.filter(username__iexact=username).first()
    record_event(
        action=AuditEvent.Action.SIGN_IN_FAILED,
        request=request,
        actor=None,
        subject=subject,
    )


def forget_cached_device(sender, instance, **kwargs):
    cache.delete(selectors.device_cache_key(instance.persistent_id))


def forget_users_of_changed_permissions(sender, instance, action, reverse, pk_set, **kwargs):
    """Forget the cached account of everyone whose permissions or groups change: its copy
    says whether the header shows the help-desk link. A group changing its own
    permissions (not connected here) shows when the copy times out."""
    if not reverse:
        if action.startswith("post_"):
            _forget_user_id(instance.pk)
    elif action == "pre_clear":
        # group.user_set.clear() names nobody: read who is there before they go.
        other = next(
            field.name
            for field in sender._meta.get_fields()
            if field.is_relation and field.related_model is type(instance)
        )
        for user_id in sender.objects.filter(**{other: instance}).values_list(
            "user_id", flat=True
        ):
            _forget_user_id(user_id)
    elif action.startswith("post_"):
        for user_id in pk_set or ():
            _forget_user_id(user_id)


def forget_cached_user(sender, instance, **kwargs):
    _forget_user_id(instance.pk)


def _forget_user_id(user_id):
    key = selectors.user_cache_key(user_id)
    cache.delete(key)
    # Again at commit: a request may have read the row before it and cached that copy.
    transaction.on_commit(lambda: cache.delete(key), robust=True)


def connect_cache_invalidation():
    """Connect the receivers above to every two-factor device model and to the person's
    permissions and groups, and to the account itself (called from AccountsConfig.ready)."""
    for model in apps.get_models():
        if issubclass(model, Device):
            post_save.connect(forget_cached_device, sender=model)
            post_delete.connect(forget_cached_device, sender=model)
    user_model = get_user_model()
    post_save.connect(forget_cached_user, sender=user_model)
    post_delete.connect(forget_cached_user, sender=user_model)
    for through in (user_model.user_permissions.through, user_model.groups.through):
        m2m_changed.connect(forget_users_of_changed_permissions, sender=through)
