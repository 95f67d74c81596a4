"""Stored submissions as CMS's Submissions API shows them (camelCase, ids as strings).

The API responses, the score preview and the portal's "View submitted data" page all read
these, so a submission looks the same wherever it is shown.
"""


def _date(value):
    return value.isoformat() if value else None


def _datetime(value):
    return value.isoformat().replace("+00:00", "Z") if value else None


def measurement_data(measurement, measurement_set_id):
    return {
        "id": str(measurement.id),
        "measurementSetId": str(measurement_set_id),
        "measureId": measurement.measure_id,
        "value": measurement.value,
    }


def measurement_set_data(measurement_set):
    """Return one measurement set with its measurements (prefetch ``measurements``)."""
    return {
        "id": str(measurement_set.id),
        "submissionId": str(measurement_set.submission_id),
        "createdAt": _datetime(measurement_set.created_at),
        "updatedAt": _datetime(measurement_set.updated_at),
        "category": measurement_set.category,
        "submissionMethod": measurement_set.submission_method,
        "programName": measurement_set.program_name,
        "performanceStart": _date(measurement_set.performance_start),
        "performanceEnd": _date(measurement_set.performance_end),
        "cehrtId": measurement_set.cehrt_id or None,
        "measurements": [
            measurement_data(m, measurement_set.id) for m in measurement_set.measurements.all()
        ],
    }


def submission_data(submission, measurement_sets):
    """Return a submission with the given measurement sets (those the viewer may see)."""
    return {
        "id": str(submission.id),
        "createdAt": _datetime(submission.created_at),
        "updatedAt": _datetime(submission.updated_at),
        "entityType": submission.entity_type,
        "entityId": submission.entity_id or None,
        "taxpayerIdentificationNumber": submission.taxpayer_identification_number or None,
        "nationalProviderIdentifier": submission.national_provider_identifier or None,
        "performanceYear": submission.performance_year,
        "measurementSets": [measurement_set_data(s) for s in measurement_sets],
    }


def cleaned_submission_data(identity, measurement_sets):
    """Return validated, not yet stored data (``validation.clean_submission``) in the API's
    shape, for /public/validate-submission and the score preview."""
    return {
        "entityType": identity["entityType"],
        "entityId": identity["entityId"] or None,
        "taxpayerIdentificationNumber": identity["taxpayerIdentificationNumber"] or None,
        "nationalProviderIdentifier": identity["nationalProviderIdentifier"] or None,
        "performanceYear": identity["performanceYear"],
        "measurementSets": [
            {
                **{
                    key: value
                    for key, value in s.items()
                    if key not in ("performanceStart", "performanceEnd", "cehrtId")
                },
                "performanceStart": _date(s["performanceStart"]),
                "performanceEnd": _date(s["performanceEnd"]),
                "cehrtId": s["cehrtId"] or None,
            }
            for s in measurement_sets
        ],
    }
