"""The versioned JSON API: /api/v1/, documented at /api/v1/openapi.json.

Each domain app contributes a router that calls the same services and rules as the pages.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.constants import NOT_SET
from ninja.errors import AuthenticationError
from ninja.security import django_auth

from qme.core.errors import ActionRefused, NotAllowed

from .auth import TokenAuth


class QmeAPI(NinjaAPI):
    """The API, with its OpenAPI document built once per process and language: the routes do
    not change while the process runs, and building it walks every operation's schemas."""

    _documents: dict[tuple[str, str], Any]

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        key = (path_prefix, get_language() or "")
        documents = self.__dict__.setdefault("_documents", {})
        if key not in documents:
            documents[key] = super().get_openapi_schema(path_prefix=path_prefix)
        return documents[key]


api = QmeAPI(
    title="QME Programme Office API",
    version="1",
    description=(
        "Authenticate with your browser session or with a personal API token "
        "(`Authorization: Bearer qme_…`, created on your API tokens page). "
        "Every endpoint applies the same rules as the pages: you see only what is yours to see."
    ),
    auth=[TokenAuth(), django_auth],
    urls_namespace="api-v1",
    docs_url="/docs",
)


@api.exception_handler(ActionRefused)
def action_refused(request: HttpRequest, exc: ActionRefused) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message, "code": exc.code}, status=409)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        detail = [
            {"loc": ["body", field], "msg": " ".join(str(m) for m in messages)}
            for field, messages in exc.message_dict.items()
        ]
    else:
        detail = [{"loc": ["body"], "msg": " ".join(exc.messages)}]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    detail = exc.message if isinstance(exc, NotAllowed) else _("You are not allowed to do this.")
    return api.create_response(request, {"detail": detail, "code": "forbidden"}, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(
        request, {"detail": _("Not found."), "code": "not_found"}, status=404
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": _("Sign in or send a valid API token."), "code": "unauthenticated"},
        status=401,
    )


def _register_routers() -> None:
    from qme.accounts.api import router as people_router
    from qme.feedback.api import router as feedback_router
    from qme.graduation.api import router as graduation_router
    from qme.organisations.api import router as organisations_router
    from qme.positions.api import router as positions_router
    from qme.selection.api import router as selection_router
    from qme.training.api import router as training_router

    api.add_router("/", people_router)
    api.add_router("/", organisations_router)
    api.add_router("/", positions_router)
    api.add_router("/", selection_router)
    api.add_router("/", training_router)
    api.add_router("/", feedback_router)
    api.add_router("/", graduation_router)
    from qme.privacy.api import router as privacy_router

    api.add_router("/", privacy_router)
    from qme.reports.api import router as reports_router

    api.add_router("/", reports_router)
    from qme.notifications.api import router as notifications_router

    api.add_router("/", notifications_router)


_register_routers()


def _document_errors() -> None:
    """Every operation documents the errors that the handlers above answer for it: 401 when it
    needs a sign-in; 400 (a body that is not JSON), 403, 404, 409 and 422 (invalid input)
    always. Clients and the fuzzing tests rely on the document."""
    from .schemas import ErrorOut, FieldErrorOut

    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                errors = {
                    400: ErrorOut,
                    403: ErrorOut,
                    404: ErrorOut,
                    409: ErrorOut,
                    422: FieldErrorOut,
                }
                auth = operation.auth_param
                if auth is NOT_SET:
                    auth = api.auth if router.auth is NOT_SET else router.auth
                if auth:
                    errors[401] = ErrorOut
                for status, schema in errors.items():
                    if status not in operation.response_models:
                        operation.response_models[status] = operation._create_response_model(schema)


_document_errors()
