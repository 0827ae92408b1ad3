"""Pagination for the API's lists, with every query parameter bounded.

django-ninja's own classes take any integer for ``page``, ``limit`` and ``offset``; a huge one reaches
the database as an OFFSET or LIMIT it cannot hold and the request fails with a server error. These
refuse such values up front (422 naming the parameter), with limits from sprintlab.core.validators.
"""

from typing import Any

from ninja import Field, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination, PageNumberPagination

from sprintlab.core.validators import MAX_OFFSET, MAX_PAGE, MAX_PAGE_SIZE


class BoundedPageNumberPagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)

    def __init__(self, page_size: int = MAX_PAGE_SIZE, **kwargs: Any) -> None:
        super().__init__(page_size=page_size, max_page_size=MAX_PAGE_SIZE, **kwargs)


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(min(ninja_settings.PAGINATION_PER_PAGE, MAX_PAGE_SIZE), ge=1, le=MAX_PAGE_SIZE)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_PAGE_SIZE, **kwargs)
