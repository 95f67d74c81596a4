"""The Submissions API, in the shape of CMS's QPP Submissions API for organization
(registry) tokens. Each view: token → selector → service → representation. Validation
happens in ``submissions.validation`` (through the services), errors are shaped in
``exceptions.api_exception_handler``, and nothing here writes data itself.
"""

import uuid

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from organizations import validators as identifiers
from submissions import representation, selectors, services, validation
from submissions.models import EntityType
from submissions.validation import Problem

from . import serializers as docs
from .authentication import BearerTokenAuthentication, HasApiToken, organization_of
from .exceptions import QueryInvalid, SubmissionCreationNotAllowed
from .pagination import PAGE_PARAMETERS, StartIndexPagination
from .parsers import SubmissionJSONParser
from .schema import READ_ERRORS, WRITE_ERRORS, errors
from .throttling import PublicRateThrottle, TokenRateThrottle

TIN_HEADER = "qpp-taxpayer-identification-number"
SUBMISSION_ID = OpenApiParameter(
    "submission_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The submission's id."
)
MEASUREMENT_SET_ID = OpenApiParameter(
    "measurement_set_id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The measurement set's id.",
)
ENTITY_ID_MAX_LENGTH = 20


class SubmissionsApiView(APIView):
    """A Submissions API endpoint: a registry's bearer token, a rate limit per token, JSON
    in and out."""

    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [HasApiToken]
    throttle_classes = [TokenRateThrottle]
    parser_classes = [SubmissionJSONParser]
    renderer_classes = [JSONRenderer]
    documented = True

    def service_request(self):
        """The Django request, for the services' audit events (whose actor is nobody: a
        token is not a person)."""
        return self.request._request


def _id_or_404(value):
    try:
        return uuid.UUID(value)
    except ValueError:
        raise exceptions.NotFound("Not found, or not yours.") from None


def _identifier_problem(problems, name, value, validate):
    try:
        validate(value)
    except DjangoValidationError as error:
        problems.append(Problem(error.messages[0], f"$.{name}"))


def _check_entity_id(value):
    if not (
        0 < len(value) <= ENTITY_ID_MAX_LENGTH
        and value.isascii()
        and value.replace("-", "").isalnum()
    ):
        raise DjangoValidationError("entityId is letters, digits and dashes, at most 20.")


def submission_filters(request):
    """Return the Submission lookups of GET /submissions' query and TIN header; raise
    QueryInvalid with every problem."""
    query, problems, lookups = request.query_params, [], {}
    if "nationalProviderIdentifier" in query:
        npi = query["nationalProviderIdentifier"]
        _identifier_problem(problems, "nationalProviderIdentifier", npi, identifiers.validate_npi)
        lookups["national_provider_identifier"] = npi
    if "entityId" in query:
        _identifier_problem(problems, "entityId", query["entityId"], _check_entity_id)
        lookups["entity_id"] = query["entityId"]
    if "entityType" in query:
        if query["entityType"] not in EntityType.values:
            problems.append(
                Problem(
                    f"entityType must be one of {', '.join(EntityType.values)}.", "$.entityType"
                )
            )
        lookups["entity_type"] = query["entityType"]
    if "performanceYear" in query:
        year = query["performanceYear"]
        if not (year.isascii() and year.isdigit() and len(year) == 4):
            problems.append(
                Problem("performanceYear must be a year like 2025.", "$.performanceYear")
            )
        else:
            lookups["performance_year"] = int(year)
    tin = request.headers.get(TIN_HEADER)
    if tin is not None:
        _identifier_problem(problems, TIN_HEADER, tin, identifiers.validate_tin)
        lookups["taxpayer_identification_number"] = tin
    if problems:
        raise QueryInvalid(problems)
    return lookups


def empty_submission(lookups):
    """CMS's answer for a TIN header naming a TIN you have no sets for: a submission object
    with no measurement sets (and, here, no id: whether someone else has one is not yours
    to know)."""
    return {
        "id": None,
        "createdAt": None,
        "updatedAt": None,
        "entityType": lookups.get("entity_type", EntityType.GROUP),
        "entityId": lookups.get("entity_id") or None,
        "taxpayerIdentificationNumber": lookups["taxpayer_identification_number"],
        "nationalProviderIdentifier": lookups.get("national_provider_identifier") or None,
        "performanceYear": lookups.get("performance_year"),
        "measurementSets": [],
    }


def _measurement_set_response(organization, measurement_set_id, status_code=status.HTTP_200_OK):
    measurement_set = selectors.get_measurement_set_for(organization, measurement_set_id)
    return Response(
        {"data": {"measurementSet": representation.measurement_set_data(measurement_set)}},
        status=status_code,
    )


def _score(submission_dict, identity):
    from submissions import scoring  # imported here: the URLconf must load without it

    return scoring.score_submission(submission_dict, context=selectors.scoring_context(identity))


# --- /submissions ----------------------------------------------------------------------------


class SubmissionListView(SubmissionsApiView):
    """GET /submissions (yours, filtered and paged); POST /submissions (refused, 401)."""

    @extend_schema(
        operation_id="listSubmissions",
        summary="List your submissions",
        description="The submissions you have submitted measurement sets for, each with only "
        "your sets. With the qpp-taxpayer-identification-number header naming a TIN you have "
        "no sets for, one submission object (id null) with an empty measurementSets array.",
        parameters=[
            OpenApiParameter("nationalProviderIdentifier", str, description="NPI (individual)."),
            OpenApiParameter(
                "entityId", str, description="APM Entity ID or virtual group ID (VG-12345)."
            ),
            OpenApiParameter("entityType", str, enum=EntityType.values),
            OpenApiParameter("performanceYear", int, description="e.g. 2025."),
            OpenApiParameter(TIN_HEADER, str, OpenApiParameter.HEADER, description="A TIN."),
            *PAGE_PARAMETERS,
        ],
        responses={200: docs.SubmissionListEnvelopeSerializer, **errors(400, *READ_ERRORS)},
    )
    def get(self, request):
        lookups = submission_filters(request)
        paginator = StartIndexPagination("submissions")
        submissions = selectors.submissions_visible_to(organization_of(request), **lookups)
        page = paginator.paginate_queryset(submissions, request, self)
        items = [representation.submission_data(s, s.visible_sets) for s in page]
        if not paginator.total_items and "taxpayer_identification_number" in lookups:
            items, paginator.total_items = [empty_submission(lookups)], 1
        return paginator.get_paginated_response(items)

    @extend_schema(
        operation_id="createSubmission",
        summary="Not allowed for organization tokens (401)",
        description="CMS answers 401 Unauthorized: use POST /measurement-sets, which finds or "
        "creates the submission.",
        request=docs.SubmissionInputSerializer,
        responses=errors(401, 429),
    )
    def post(self, request):
        raise SubmissionCreationNotAllowed()


class SubmissionDetailView(SubmissionsApiView):
    """GET /submissions/:id."""

    @extend_schema(
        operation_id="getSubmission",
        parameters=[SUBMISSION_ID],
        summary="One submission, with your measurement sets",
        responses={200: docs.SubmissionEnvelopeSerializer, **errors(404, *READ_ERRORS)},
    )
    def get(self, request, submission_id):
        submission = selectors.get_submission_for(
            organization_of(request), _id_or_404(submission_id)
        )
        data = representation.submission_data(submission, submission.visible_sets)
        return Response({"data": {"submission": data}})


class SubmissionScoreView(SubmissionsApiView):
    """GET /submissions/:id/score."""

    @extend_schema(
        operation_id="getSubmissionScore",
        parameters=[SUBMISSION_ID],
        summary="The score of the measurement sets you submitted",
        description="As at CMS, a registry sees the score of the data it submitted only.",
        responses={200: docs.ScoreEnvelopeSerializer, **errors(404, *READ_ERRORS)},
    )
    def get(self, request, submission_id):
        submission = selectors.get_submission_for(
            organization_of(request), _id_or_404(submission_id)
        )
        _data, score = selectors.preliminary_score(submission)
        return Response({"data": {"score": score}})


class ScorePreviewView(SubmissionsApiView):
    """POST /submissions/score-preview: the score of a submission that is not stored."""

    @extend_schema(
        operation_id="previewScore",
        summary="Score a whole submission without saving it",
        request=docs.SubmissionInputSerializer,
        responses={200: docs.ScoreEnvelopeSerializer, **errors(*WRITE_ERRORS)},
    )
    def post(self, request):
        cleaned = validation.clean_submission(request.data)
        data = representation.cleaned_submission_data(cleaned, cleaned["measurementSets"])
        return Response({"data": {"score": _score(data, cleaned)}})


class ValidateSubmissionView(SubmissionsApiView):
    """Public, as at CMS: no token needed (one sent is ignored); limited per address."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = [PublicRateThrottle]

    @extend_schema(
        operation_id="validateSubmission",
        summary="Validate a whole submission (public; stores nothing)",
        description="Answers the submission as the API would store it (known fields, "
        "computed rates), or a ValidationError with every problem. No token needed.",
        auth=[],
        request=docs.SubmissionInputSerializer,
        responses={
            200: docs.ValidatedSubmissionEnvelopeSerializer,
            **errors(400, 413, 415, 429),
        },
    )
    def post(self, request):
        cleaned = validation.clean_submission(request.data)
        data = representation.cleaned_submission_data(cleaned, cleaned["measurementSets"])
        return Response({"data": {"submission": data}})


# --- /measurement-sets -----------------------------------------------------------------------


class MeasurementSetListView(SubmissionsApiView):
    """GET /measurement-sets (yours, paged); POST /measurement-sets."""

    @extend_schema(
        operation_id="listMeasurementSets",
        summary="List the measurement sets you submitted",
        parameters=PAGE_PARAMETERS,
        responses={200: docs.MeasurementSetListEnvelopeSerializer, **errors(400, *READ_ERRORS)},
    )
    def get(self, request):
        paginator = StartIndexPagination("measurementSets")
        sets = selectors.measurement_sets_visible_to(organization_of(request))
        page = paginator.paginate_queryset(sets, request, self)
        return paginator.get_paginated_response(
            [representation.measurement_set_data(s) for s in page]
        )

    @extend_schema(
        operation_id="createMeasurementSet",
        summary="Create a measurement set (or replace yours of the same kind)",
        description="The submission object names the entity and year; the API finds or "
        "creates its submission. A set of the same category, submission method and program "
        "that you submitted before is replaced (200); otherwise the set is created (201).",
        request=docs.MeasurementSetCreateInputSerializer,
        responses={
            201: OpenApiResponse(docs.MeasurementSetEnvelopeSerializer, description="Created."),
            200: OpenApiResponse(
                docs.MeasurementSetEnvelopeSerializer, description="Replaced your earlier set."
            ),
            **errors(*WRITE_ERRORS),
        },
    )
    def post(self, request):
        organization = organization_of(request)
        saved = services.submit_measurement_set(
            data=request.data,
            submitter=organization,
            api_token=request.auth,
            request=self.service_request(),
            via="api",
        )
        code = status.HTTP_201_CREATED if saved.created else status.HTTP_200_OK
        return _measurement_set_response(organization, saved.measurement_set.pk, code)


class MeasurementSetDetailView(SubmissionsApiView):
    """GET, PUT, PATCH and DELETE /measurement-sets/:id (only your own sets)."""

    @extend_schema(
        operation_id="getMeasurementSet",
        parameters=[MEASUREMENT_SET_ID],
        summary="One measurement set of yours",
        responses={200: docs.MeasurementSetEnvelopeSerializer, **errors(404, *READ_ERRORS)},
    )
    def get(self, request, measurement_set_id):
        return _measurement_set_response(organization_of(request), _id_or_404(measurement_set_id))

    def _update(self, request, measurement_set_id, *, partial):
        organization = organization_of(request)
        measurement_set = selectors.get_editable_measurement_set(
            organization, _id_or_404(measurement_set_id)
        )
        services.update_measurement_set(
            measurement_set=measurement_set,
            data=request.data,
            partial=partial,
            api_token=request.auth,
            request=self.service_request(),
            via="api",
        )
        return _measurement_set_response(organization, measurement_set.pk)

    @extend_schema(
        operation_id="replaceMeasurementSet",
        parameters=[MEASUREMENT_SET_ID],
        summary="Replace a measurement set of yours",
        request=docs.MeasurementSetInputSerializer,
        responses={200: docs.MeasurementSetEnvelopeSerializer, **errors(404, *WRITE_ERRORS)},
    )
    def put(self, request, measurement_set_id):
        return self._update(request, measurement_set_id, partial=False)

    @extend_schema(
        operation_id="updateMeasurementSet",
        parameters=[MEASUREMENT_SET_ID],
        summary="Change the fields given (measurements merged by measureId)",
        request=docs.MeasurementSetInputSerializer,
        responses={200: docs.MeasurementSetEnvelopeSerializer, **errors(404, *WRITE_ERRORS)},
    )
    def patch(self, request, measurement_set_id):
        return self._update(request, measurement_set_id, partial=True)

    @extend_schema(
        operation_id="deleteMeasurementSet",
        parameters=[MEASUREMENT_SET_ID],
        summary="Delete a measurement set of yours",
        responses={204: OpenApiResponse(description="Deleted."), **errors(404, *READ_ERRORS)},
    )
    def delete(self, request, measurement_set_id):
        measurement_set = selectors.get_editable_measurement_set(
            organization_of(request), _id_or_404(measurement_set_id)
        )
        services.delete_measurement_set(
            measurement_set=measurement_set,
            api_token=request.auth,
            request=self.service_request(),
            via="api",
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotFoundView(APIView):
    """Every other URL under /api/submissions/: 404 in the API's error shape."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = []
    renderer_classes = [JSONRenderer]
    documented = False

    def initial(self, request, *args, **kwargs):
        raise exceptions.NotFound("No such endpoint in the Submissions API.")
