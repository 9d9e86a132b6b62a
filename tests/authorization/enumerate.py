"""Every page and every API operation the application serves, found by walking the URL resolver
and the API's OpenAPI document: the matrix is checked against this, not against a list kept by
hand."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from qme.api.api import api


@dataclass(frozen=True)
class Page:
    key: str  # the URL name ("namespace:name"), or the route when the pattern has no name
    route: str
    module: str


def pages() -> list[Page]:
    found: list[Page] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str | None) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                name = pattern.name
                key = (f"{namespace}:{name}" if namespace else name) if name else route
                module = getattr(pattern.callback, "__module__", "") or ""
                found.append(Page(key, route, module))

    walk(get_resolver(), "", None)
    return found


def api_operations() -> list[tuple[str, str, str]]:
    """(operation id, method, path template) of every operation in the OpenAPI document."""
    schema = api.get_openapi_schema()
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            operations.append((operation["operationId"], method.upper(), path))
    return sorted(operations)


def api_bodies() -> dict[str, tuple[str, ...]]:
    """The media types of the body of every operation that takes one, by operation id."""
    schema = api.get_openapi_schema()
    return {
        operation["operationId"]: tuple(operation["requestBody"]["content"])
        for methods in schema["paths"].values()
        for operation in methods.values()
        if "requestBody" in operation
    }
