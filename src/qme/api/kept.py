"""API lists kept, as JSON, until what they list changes.

Turning fifty rows into the items of a list (a schema validated per row) and counting the rows
cost most of a list request. A list endpoint decorated with `kept_list` answers from the
versioned cache of `qme.core.kept`: per person (after authentication, which runs first, as for
every request), path, query string and language, until a row of a model it names is written.

    @router.get("/requests", response={200: list[RequestOut], 403: ErrorOut})
    @kept_list(REQUESTS, RequestOut)
    @paginate
    def list_requests(request, filters: Query[RequestFilters]): ...

The items are turned into JSON as Django Ninja does it for the response schema (the schema's
resolvers get the same context), so the answer is the same whether or not it was kept. A refusal
(403) or an invalid filter (422) is never kept: only what the endpoint returns is.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Schema
from ninja.responses import NinjaJSONEncoder

from qme.core.kept import KeptPage

CONTENT_TYPE = "application/json; charset=utf-8"


def kept_list(page: KeptPage, item: type[Schema]) -> Callable[[Callable], Callable]:
    """Keep the paginated list that the decorated endpoint returns (`@paginate` below it)."""

    def decorator(endpoint: Callable) -> Callable:
        @functools.wraps(endpoint)
        def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            def compute() -> bytes:
                listed = endpoint(request, **kwargs)
                context = {"request": request, "response_status": 200}
                body = {
                    "items": [
                        item.model_validate(row, context=context).model_dump(context=context)
                        for row in listed["items"]
                    ],
                    "count": listed["count"],
                }
                return json.dumps(body, cls=NinjaJSONEncoder).encode()

            parts = (request.path, sorted(request.GET.lists()))
            return HttpResponse(page.keep(request, parts, compute), content_type=CONTENT_TYPE)

        return view

    return decorator
