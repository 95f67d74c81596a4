from datetime import timedelta

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string

from .backends.base import ProofingBackend


@register()
def check_proofing_backends(app_configs, **kwargs):
    """Refuse to start unless PROOFING_BACKENDS names ProofingBackend subclasses."""
    paths = getattr(settings, "PROOFING_BACKENDS", None)
    if not isinstance(paths, list | tuple) or not paths:
        return [
            Error(
                "PROOFING_BACKENDS must be a non-empty list of dotted paths.",
                id="proofing.E001",
            )
        ]
    errors = []
    for path in paths:
        try:
            backend = import_string(path)
        except ImportError as exc:
            errors.append(
                Error(f"PROOFING_BACKENDS: {path} cannot be imported: {exc}", id="proofing.E002")
            )
            continue
        if not (isinstance(backend, type) and issubclass(backend, ProofingBackend)):
            errors.append(
                Error(
                    f"PROOFING_BACKENDS: {path} is not a subclass of "
                    "proofing.backends.base.ProofingBackend.",
                    id="proofing.E003",
                )
            )
    return errors


@register()
def check_proofing_limits(app_configs, **kwargs):
    """Refuse thresholds that make the questions impossible to pass or limits meaningless."""
    errors = []
    count = settings.PROOFING_QUESTION_COUNT
    minimum = settings.PROOFING_PASS_MINIMUM
    if not (isinstance(count, int) and isinstance(minimum, int) and 1 <= minimum <= count):
        errors.append(
            Error(
                "PROOFING_PASS_MINIMUM must be between 1 and PROOFING_QUESTION_COUNT.",
                id="proofing.E004",
            )
        )
    for name in ("PROOFING_QUIZ_TIME_LIMIT", "PROOFING_FAILURE_WINDOW"):
        value = getattr(settings, name)
        if not isinstance(value, timedelta) or value <= timedelta(0):
            errors.append(Error(f"{name} must be a positive timedelta.", id="proofing.E005"))
    for name in ("PROOFING_FAILURE_LIMIT", "PROOFING_UPLOAD_MAX_BYTES"):
        value = getattr(settings, name)
        if not isinstance(value, int) or value < 1:
            errors.append(Error(f"{name} must be a positive whole number.", id="proofing.E006"))
    return errors
