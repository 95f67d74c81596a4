"""Every change to MIPS data and API tokens. The portal's pages, the upload page, the
Submissions API and the management commands all call these; none writes data itself.

Each function validates in full first (``validation``), then writes inside one transaction:
a set that fails leaves nothing half-written.
"""

import json
import secrets
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import record_event

from . import selectors, validation
from .models import ApiToken, Measurement, MeasurementSet, Submission
from .validation import Problem, SubmissionInvalid

TOKEN_PREFIX = "qpp_"
# Upload files and API bodies larger than this are refused before they are parsed.
MAXIMUM_SUBMISSION_BYTES = 2 * 1024 * 1024


@dataclass
class SavedSet:
    measurement_set: MeasurementSet
    created: bool


@dataclass
class SubmissionResult:
    submission: Submission
    saved: list[SavedSet] = field(default_factory=list)

    @property
    def created_count(self):
        return sum(1 for s in self.saved if s.created)

    @property
    def replaced_count(self):
        return sum(1 for s in self.saved if not s.created)


def _check_may_report(submitter, identity):
    problems = selectors.reporting_problems(submitter, identity)
    if problems:
        raise SubmissionInvalid(problems, message="You cannot report for this entity.")


def _get_or_create_submission(identity):
    """Return the one submission of the entity and year, creating it if needed.

    When two requests create it at once, the unique constraint lets one insert win; the
    other's insert fails inside its savepoint and it reads the winner's row.
    """
    lookup = {
        "entity_type": identity["entityType"],
        "taxpayer_identification_number": identity["taxpayerIdentificationNumber"],
        "national_provider_identifier": identity["nationalProviderIdentifier"],
        "entity_id": identity["entityId"],
        "performance_year": identity["performanceYear"],
    }
    try:
        with transaction.atomic():
            return Submission.objects.get_or_create(**lookup)[0]
    except IntegrityError:
        return Submission.objects.get(**lookup)


def _write_measurements(measurement_set, measurements):
    measurement_set.measurements.all().delete()
    Measurement.objects.bulk_create(
        Measurement(measurement_set=measurement_set, measure_id=m["measureId"], value=m["value"])
        for m in measurements
    )


def _store_set(*, submission, cleaned, submitter, submitted_by, api_token):
    """Create the set, or replace the one of the same category, submission method, program
    and submitter (as CMS's file-upload client merges)."""
    key = {
        "submission": submission,
        "category": cleaned["category"],
        "submission_method": cleaned["submissionMethod"],
        "program_name": cleaned["programName"],
        "submitter": submitter,
    }
    fields = {
        "performance_start": cleaned["performanceStart"],
        "performance_end": cleaned["performanceEnd"],
        "cehrt_id": cleaned["cehrtId"],
        "submitted_by": submitted_by,
        "api_token": api_token,
    }
    measurement_set = MeasurementSet.objects.select_for_update().filter(**key).first()
    created = measurement_set is None
    if created:
        try:
            with transaction.atomic():
                measurement_set = MeasurementSet.objects.create(**key, **fields)
        except IntegrityError:
            # The same submitter sent the same set twice at once: the other request created
            # it; replace it like a later send would.
            measurement_set = MeasurementSet.objects.select_for_update().get(**key)
            created = False
    if not created:
        for name, value in fields.items():
            setattr(measurement_set, name, value)
        measurement_set.save(update_fields=[*fields, "updated_at"])
    _write_measurements(measurement_set, cleaned["measurements"])
    return SavedSet(measurement_set=measurement_set, created=created)


def _audit_set_change(action, measurement_set, *, request, actor, api_token, via, **detail):
    record_event(
        action=action,
        request=request,
        actor=actor,
        measurement_set=str(measurement_set.id),
        submission=str(measurement_set.submission_id),
        organization=measurement_set.submitter_id,
        category=measurement_set.category,
        via=via,
        api_token=api_token.pk if api_token else None,
        **detail,
    )


def _audit_set(saved, *, request, submitted_by, api_token, via):
    _audit_set_change(
        AuditEvent.Action.MEASUREMENT_SET_SAVED,
        saved.measurement_set,
        request=request,
        actor=submitted_by,
        api_token=api_token,
        via=via,
        created=saved.created,
    )


def submit_measurement_sets(
    *, data, submitter, submitted_by=None, api_token=None, request=None, via="portal"
):
    """Validate a whole submission (CMS's JSON shape) and store its measurement sets for
    ``submitter``: find or create the entity's submission, replace each set of the same
    category + submission method + program from the same submitter, create the others.
    Raise SubmissionInvalid (nothing stored) if any part is wrong or ``submitter`` may not
    report for the entity."""
    cleaned = validation.clean_submission(data)
    _check_may_report(submitter, cleaned)
    with transaction.atomic():
        submission = _get_or_create_submission(cleaned)
        result = SubmissionResult(submission=submission)
        for cleaned_set in cleaned["measurementSets"]:
            result.saved.append(
                _store_set(
                    submission=submission,
                    cleaned=cleaned_set,
                    submitter=submitter,
                    submitted_by=submitted_by,
                    api_token=api_token,
                )
            )
        Submission.objects.filter(pk=submission.pk).update(updated_at=timezone.now())
        for saved in result.saved:
            _audit_set(
                saved, request=request, submitted_by=submitted_by, api_token=api_token, via=via
            )
    return result


def submit_measurement_set(
    *, data, submitter, submitted_by=None, api_token=None, request=None, via="api"
):
    """Validate one measurement set whose ``submission`` object names the entity and year
    (POST /measurement-sets) and store it as ``submit_measurement_sets`` does; return the
    SavedSet. Paths in problems start at the measurement set."""
    problems = []
    if not isinstance(data, dict):
        raise SubmissionInvalid([Problem("Expected an object.", "$")])
    if "submission" not in data:
        problems.append(
            Problem(
                "submission (entityType, identifiers, performanceYear) is required.",
                "$.submission",
            )
        )
    if problems:
        raise SubmissionInvalid(problems)
    identity = validation.clean_submission_identity(data["submission"], path="$.submission")
    set_data = {key: value for key, value in data.items() if key != "submission"}
    cleaned_set = validation.clean_measurement_set(set_data, identity=identity)
    _check_may_report(submitter, identity)
    with transaction.atomic():
        submission = _get_or_create_submission(identity)
        saved = _store_set(
            submission=submission,
            cleaned=cleaned_set,
            submitter=submitter,
            submitted_by=submitted_by,
            api_token=api_token,
        )
        Submission.objects.filter(pk=submission.pk).update(updated_at=timezone.now())
        _audit_set(saved, request=request, submitted_by=submitted_by, api_token=api_token, via=via)
    return saved


def update_measurement_set(
    *, measurement_set, data, partial, submitted_by=None, api_token=None, request=None, via="api"
):
    """Replace a measurement set (PUT: ``data`` is the whole set) or change the fields given
    (PATCH: measurements are merged by measureId). Raise SubmissionInvalid, changing
    nothing, if the result is wrong or would collide with another set of the submitter."""
    if not isinstance(data, dict):
        raise SubmissionInvalid([Problem("Expected an object.", "$")])
    if "submission" in data:
        raise SubmissionInvalid(
            [Problem("A measurement set cannot move to another submission.", "$.submission")]
        )
    submission = measurement_set.submission
    identity = selectors.submission_identity(submission)
    if partial:
        current = {
            "category": measurement_set.category,
            "submissionMethod": measurement_set.submission_method,
            "programName": measurement_set.program_name,
            "performanceStart": measurement_set.performance_start.isoformat(),
            "performanceEnd": measurement_set.performance_end.isoformat(),
            "cehrtId": measurement_set.cehrt_id or None,
        }
        merged = {**current, **{k: v for k, v in data.items() if k != "measurements"}}
        measurements = {
            m.measure_id: {"measureId": m.measure_id, "value": m.value}
            for m in measurement_set.measurements.all()
        }
        if "measurements" in data:
            if not isinstance(data["measurements"], list):
                raise SubmissionInvalid([Problem("Expected an array.", "$.measurements")])
            given = []
            for item in data["measurements"]:
                if isinstance(item, dict) and isinstance(item.get("measureId"), str):
                    measurements.pop(item["measureId"], None)
                given.append(item)
            # Raw stored values carry computed rates, which validation accepts and recomputes.
            merged["measurements"] = given + list(measurements.values())
        else:
            merged["measurements"] = list(measurements.values())
        data = merged
    cleaned = validation.clean_measurement_set(data, identity=identity)
    key = (cleaned["category"], cleaned["submissionMethod"], cleaned["programName"])
    with transaction.atomic():
        locked = MeasurementSet.objects.select_for_update().get(pk=measurement_set.pk)
        clash = (
            MeasurementSet.objects.filter(
                submission=submission,
                category=key[0],
                submission_method=key[1],
                program_name=key[2],
                submitter=locked.submitter,
            )
            .exclude(pk=locked.pk)
            .exists()
        )
        if clash:
            raise SubmissionInvalid(
                [
                    Problem(
                        f"You already have a {key[0]} set by {key[1]} under {key[2]} in this submission.",
                        "$.category",
                    )
                ]
            )
        locked.category, locked.submission_method, locked.program_name = key
        locked.performance_start = cleaned["performanceStart"]
        locked.performance_end = cleaned["performanceEnd"]
        locked.cehrt_id = cleaned["cehrtId"]
        locked.submitted_by = submitted_by
        locked.api_token = api_token
        locked.save()
        _write_measurements(locked, cleaned["measurements"])
        Submission.objects.filter(pk=submission.pk).update(updated_at=timezone.now())
        _audit_set(
            SavedSet(locked, created=False),
            request=request,
            submitted_by=submitted_by,
            api_token=api_token,
            via=via,
        )
    return locked


def delete_measurement_set(
    *, measurement_set, acting_user=None, api_token=None, request=None, via="api"
):
    """Delete a measurement set and its measurements (the submission stays)."""
    with transaction.atomic():
        _audit_set_change(
            AuditEvent.Action.MEASUREMENT_SET_DELETED,
            measurement_set,
            request=request,
            actor=acting_user,
            api_token=api_token,
            via=via,
        )
        measurement_set.delete()


def parse_submission_file(content):
    """Return the JSON document in an uploaded file's bytes; raise SubmissionInvalid with a
    message that says where the file is broken."""
    if len(content) > MAXIMUM_SUBMISSION_BYTES:
        raise SubmissionInvalid(
            [
                Problem(
                    f"The file is larger than {MAXIMUM_SUBMISSION_BYTES // 1024 // 1024} MB.", "$"
                )
            ],
            message="File too large.",
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SubmissionInvalid(
            [Problem("The file is not UTF-8 text.", "$")], message="Not a JSON file."
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise SubmissionInvalid(
            [
                Problem(
                    f"The file is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}.",
                    "$",
                )
            ],
            message="Not a JSON file.",
        ) from None


def upload_submission_file(*, content, submitter, uploaded_by, request=None, file_name=""):
    """Parse, validate in full and merge a QPP JSON submission file uploaded in the portal
    by a registry; return the SubmissionResult. A file may hold the submission object itself
    or CMS's envelope ``{"data": {"submission": {...}}}``."""
    document = parse_submission_file(content)
    if isinstance(document, dict) and isinstance(document.get("data"), dict):
        inner = document["data"]
        document = inner.get("submission", inner)
    result = submit_measurement_sets(
        data=document, submitter=submitter, submitted_by=uploaded_by, request=request, via="upload"
    )
    record_event(
        action=AuditEvent.Action.SUBMISSION_FILE_UPLOADED,
        request=request,
        actor=uploaded_by,
        organization=submitter.pk,
        submission=str(result.submission.id),
        file_name=file_name[:100],
        created=result.created_count,
        replaced=result.replaced_count,
    )
    return result


# --- API tokens ------------------------------------------------------------------------------


def _new_secret():
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def create_api_token(*, organization, label, created_by=None, request=None):
    """Create a token for a registry; return ``(token, secret)``. The secret is shown once
    and never stored (only its digest)."""
    secret = _new_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(
            organization=organization,
            label=label,
            prefix=secret[: len(TOKEN_PREFIX) + 6],
            key_digest=selectors.token_digest(secret),
            created_by=created_by,
        )
        record_event(
            action=AuditEvent.Action.API_TOKEN_CREATED,
            request=request,
            actor=created_by,
            organization=organization.pk,
            token=token.pk,
            label=label,
        )
    return token, secret


def revoke_api_token(
    *, token, acting_user=None, request=None, action=AuditEvent.Action.API_TOKEN_REVOKED
):
    """Revoke a token at once; revoking a revoked token changes nothing."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at = timezone.now()
        locked.revoked_by = acting_user
        locked.save(update_fields=["revoked_at", "revoked_by"])
        if action == AuditEvent.Action.API_TOKEN_REVOKED:
            record_event(
                action=action,
                request=request,
                actor=acting_user,
                organization=locked.organization_id,
                token=locked.pk,
            )
    return locked


def rotate_api_token(*, token, acting_user, request=None):
    """Replace an active token with a new one of the same label; return ``(new, secret)``."""
    with transaction.atomic():
        old = revoke_api_token(token=token, acting_user=acting_user, request=request, action=None)
        new, secret = create_api_token(
            organization=old.organization, label=old.label, created_by=acting_user, request=request
        )
        old.replaced_by = new
        old.save(update_fields=["replaced_by"])
        record_event(
            action=AuditEvent.Action.API_TOKEN_ROTATED,
            request=request,
            actor=acting_user,
            organization=old.organization_id,
            token=old.pk,
            replaced_by=new.pk,
        )
    return new, secret


def record_api_token_use(*, token, request):
    """Note that ``token`` authenticated a request: its last use, and an audit event."""
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
    record_event(
        action=AuditEvent.Action.API_TOKEN_USED,
        request=request,
        actor=None,
        subject=None,
        organization=token.organization_id,
        token=token.pk,
        method=request.method,
        path=request.path[:200],
    )
