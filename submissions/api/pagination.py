"""Lists in CMS's shape: ``{"data": {"<items>": [...], "startIndex": 0, "itemsPerPage": 100,
"totalItems": N}}``, paged by the ``startIndex`` and ``itemsPerPage`` query parameters."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from submissions.validation import Problem

from .exceptions import QueryInvalid

DEFAULT_ITEMS_PER_PAGE = 100
MAXIMUM_ITEMS_PER_PAGE = 1000
MAXIMUM_START_INDEX = 10_000_000


def _integer_parameter(request, name, default, minimum, maximum, problems):
    text = request.query_params.get(name)
    if text is None:
        return default
    if not (text.isascii() and text.isdigit()) or not minimum <= int(text) <= maximum:
        problems.append(
            Problem(f"{name} must be an integer from {minimum} to {maximum}.", f"$.{name}")
        )
        return default
    return int(text)


class StartIndexPagination(BasePagination):
    """Page a queryset by ``startIndex`` (0-based) and ``itemsPerPage``. ``items_key`` is
    the list's name in the envelope ("submissions", "measurementSets")."""

    def __init__(self, items_key="items"):
        self.items_key = items_key

    def read_parameters(self, request):
        problems = []
        self.start_index = _integer_parameter(
            request, "startIndex", 0, 0, MAXIMUM_START_INDEX, problems
        )
        self.items_per_page = _integer_parameter(
            request, "itemsPerPage", DEFAULT_ITEMS_PER_PAGE, 1, MAXIMUM_ITEMS_PER_PAGE, problems
        )
        return problems

    def paginate_queryset(self, queryset, request, view=None):
        problems = self.read_parameters(request)
        if problems:
            raise QueryInvalid(problems)
        self.total_items = queryset.count()
        return list(queryset[self.start_index : self.start_index + self.items_per_page])

    def get_paginated_response(self, data):
        return Response({"data": self.envelope(data)})

    def envelope(self, data):
        return {
            self.items_key: data,
            "startIndex": self.start_index,
            "itemsPerPage": self.items_per_page,
            "totalItems": self.total_items,
        }

    def get_schema_operation_parameters(self, view):
        return PAGE_PARAMETERS


PAGE_PARAMETERS = [
    OpenApiParameter(
        "startIndex",
        OpenApiTypes.INT,
        description="Index of the first item to answer (0-based; default 0).",
    ),
    OpenApiParameter(
        "itemsPerPage",
        OpenApiTypes.INT,
        description=f"Items per page, 1 to {MAXIMUM_ITEMS_PER_PAGE} "
        f"(default {DEFAULT_ITEMS_PER_PAGE}).",
    ),
]
