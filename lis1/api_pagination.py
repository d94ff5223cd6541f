"""The API's pagination (REST_FRAMEWORK's DEFAULT_PAGINATION_CLASS). A module of its own:
DRF reads it while rest_framework.generics loads, before drf-spectacular can be imported."""

from __future__ import annotations

import re
from typing import Any

import rest_framework.pagination
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError


class PageNumberPagination(rest_framework.pagination.PageNumberPagination):
    """DRF's page numbers, but a `page` that is not a whole number (nor "last") is 400, as
    the schema's integer says, where DRF answered 404 or, for an empty one, page 1. A page
    outside the list stays 404 (documented on every paginated list)."""

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        value = request.query_params.get(self.page_query_param)
        whole = value is not None and re.fullmatch(r"-?[0-9]+", value) is not None
        if value is not None and value not in self.last_page_strings and not whole:
            raise ValidationError({self.page_query_param: [_("A whole number.")]})
        return super().get_page_number(request, paginator)
