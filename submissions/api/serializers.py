"""The Submissions API's request and response bodies, for the OpenAPI document only.

Nothing here validates or saves: requests go to ``submissions.validation`` through the
services, responses come from ``submissions.representation``. These serializers describe
those shapes so drf-spectacular can publish them and the schema tests can hold the
responses to them.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from submissions.models import CategoryChoice, EntityType, SubmissionMethod
from submissions.validation import PROGRAM_NAMES

MEASUREMENT_VALUE_SCHEMA = {
    "oneOf": [
        {"type": "boolean", "description": "Improvement activities, attestations."},
        {
            "type": "object",
            "description": "Proportion, non-proportion or performance-rate counts "
            "(CMS's field tables); rates are computed by the API.",
            "additionalProperties": True,
        },
    ]
}

# A score node of submissions.scoring: each part is a node of the same shape.
SCORE_NODE_SCHEMA = {
    "type": "object",
    "description": "A score node as CMS's scoring engine answers it: name, title, value "
    "(the points), detail, parts (the nodes it is made of) and original.",
    "properties": {
        "name": {"type": "string"},
        "title": {"type": "string"},
        "value": {
            "description": "Points (a number) at the top; a part may hold the "
            "measurement's own value."
        },
        "detail": {"type": "string", "nullable": True},
        "parts": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
        "original": {"nullable": True},
    },
    "required": ["name", "value"],
    "additionalProperties": True,
}


@extend_schema_field(MEASUREMENT_VALUE_SCHEMA)
class MeasurementValueField(serializers.JSONField):
    pass


@extend_schema_field(SCORE_NODE_SCHEMA)
class ScoreNodeField(serializers.JSONField):
    pass


# --- Errors ----------------------------------------------------------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    message = serializers.CharField()
    path = serializers.CharField(help_text="JSONPath into the body, e.g. $.measurementSets[0].")


class ErrorSerializer(serializers.Serializer):
    type = serializers.CharField(
        help_text="ValidationError, UnauthorizedError, NotFoundError, MethodNotAllowedError, "
        "PayloadTooLargeError, UnsupportedMediaTypeError, TooManyRequestsError."
    )
    message = serializers.CharField()
    details = ErrorDetailSerializer(many=True)


class ErrorEnvelopeSerializer(serializers.Serializer):
    error = ErrorSerializer()


# --- Requests --------------------------------------------------------------------------------


class MeasurementInputSerializer(serializers.Serializer):
    measureId = serializers.CharField(help_text="The measure's ID in qpp-measures-data.")
    value = MeasurementValueField()


class MeasurementSetInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=CategoryChoice.values)
    submissionMethod = serializers.ChoiceField(choices=SubmissionMethod.values)
    programName = serializers.ChoiceField(choices=PROGRAM_NAMES, required=False)
    performanceStart = serializers.DateField()
    performanceEnd = serializers.DateField()
    cehrtId = serializers.CharField(required=False, allow_null=True)
    measurements = MeasurementInputSerializer(many=True)


class SubmissionIdentityInputSerializer(serializers.Serializer):
    entityType = serializers.ChoiceField(choices=EntityType.values)
    taxpayerIdentificationNumber = serializers.CharField(required=False, allow_null=True)
    nationalProviderIdentifier = serializers.CharField(required=False, allow_null=True)
    entityId = serializers.CharField(required=False, allow_null=True)
    performanceYear = serializers.IntegerField()


class MeasurementSetCreateInputSerializer(MeasurementSetInputSerializer):
    submission = SubmissionIdentityInputSerializer(
        help_text="The entity and year: the API finds or creates its submission."
    )


class SubmissionInputSerializer(SubmissionIdentityInputSerializer):
    measurementSets = MeasurementSetInputSerializer(many=True, required=False)


# --- Responses -------------------------------------------------------------------------------


class MeasurementSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    measurementSetId = serializers.UUIDField()
    measureId = serializers.CharField()
    value = MeasurementValueField()


class MeasurementSetSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    submissionId = serializers.UUIDField()
    createdAt = serializers.DateTimeField()
    updatedAt = serializers.DateTimeField()
    category = serializers.ChoiceField(choices=CategoryChoice.values)
    submissionMethod = serializers.ChoiceField(choices=SubmissionMethod.values)
    programName = serializers.CharField()
    performanceStart = serializers.DateField()
    performanceEnd = serializers.DateField()
    cehrtId = serializers.CharField(allow_null=True)
    measurements = MeasurementSerializer(many=True)


class SubmissionSerializer(serializers.Serializer):
    id = serializers.UUIDField(
        allow_null=True,
        help_text="null only in the answer to a TIN you have no measurement sets for.",
    )
    createdAt = serializers.DateTimeField(allow_null=True)
    updatedAt = serializers.DateTimeField(allow_null=True)
    entityType = serializers.ChoiceField(choices=EntityType.values)
    entityId = serializers.CharField(allow_null=True)
    taxpayerIdentificationNumber = serializers.CharField(allow_null=True)
    nationalProviderIdentifier = serializers.CharField(allow_null=True)
    performanceYear = serializers.IntegerField(allow_null=True)
    measurementSets = MeasurementSetSerializer(many=True)


class CleanedMeasurementSerializer(serializers.Serializer):
    measureId = serializers.CharField()
    value = MeasurementValueField()


class CleanedMeasurementSetSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=CategoryChoice.values)
    submissionMethod = serializers.ChoiceField(choices=SubmissionMethod.values)
    programName = serializers.CharField()
    performanceStart = serializers.DateField()
    performanceEnd = serializers.DateField()
    cehrtId = serializers.CharField(allow_null=True)
    measurements = CleanedMeasurementSerializer(many=True)


class CleanedSubmissionSerializer(serializers.Serializer):
    entityType = serializers.ChoiceField(choices=EntityType.values)
    entityId = serializers.CharField(allow_null=True)
    taxpayerIdentificationNumber = serializers.CharField(allow_null=True)
    nationalProviderIdentifier = serializers.CharField(allow_null=True)
    performanceYear = serializers.IntegerField()
    measurementSets = CleanedMeasurementSetSerializer(many=True)


def _envelope(name, fields):
    data = type(f"{name}DataSerializer", (serializers.Serializer,), fields)
    return type(f"{name}EnvelopeSerializer", (serializers.Serializer,), {"data": data()})


def _list_fields(key, item):
    return {
        key: item(many=True),
        "startIndex": serializers.IntegerField(),
        "itemsPerPage": serializers.IntegerField(),
        "totalItems": serializers.IntegerField(),
    }


SubmissionEnvelopeSerializer = _envelope("Submission", {"submission": SubmissionSerializer()})
SubmissionListEnvelopeSerializer = _envelope(
    "SubmissionList", _list_fields("submissions", SubmissionSerializer)
)
MeasurementSetEnvelopeSerializer = _envelope(
    "MeasurementSet", {"measurementSet": MeasurementSetSerializer()}
)
MeasurementSetListEnvelopeSerializer = _envelope(
    "MeasurementSetList", _list_fields("measurementSets", MeasurementSetSerializer)
)
ValidatedSubmissionEnvelopeSerializer = _envelope(
    "ValidatedSubmission", {"submission": CleanedSubmissionSerializer()}
)
ScoreEnvelopeSerializer = _envelope("Score", {"score": ScoreNodeField()})
