"""The shape of an Open Badges 3.0 credential and of a Bitstring status list credential.

Explicit checks come first so that the reason names what is wrong (the type, the context, the
issuer, the subject, the evidence); the official Open Badges 3.0 JSON Schema (bundled) is the
catch-all after them.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft201909Validator
from jsonschema.exceptions import best_match

from .errors import CredentialError
from .jsonld import CREDENTIALS_V2

OB_CONTEXT = re.compile(r"^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json$")
OB_CREDENTIAL_TYPES = ("OpenBadgeCredential", "AchievementCredential")
SCHEMA_FILE = "ob_v3p0_achievementcredential_schema.json"


# No credential nests deeper than a dozen levels; a document nested deeper than this is refused
# before anything walks it recursively (copying, JSON-LD, the schema).
MAX_NESTING = 64


def check_nesting(document: Any, limit: int = MAX_NESTING) -> None:
    """Raises CredentialError when JSON arrays and objects nest deeper than the limit."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            raise CredentialError(
                f"the JSON is nested more than {limit} levels deep", code="too_deeply_nested"
            )
        stack.extend((child, depth + 1) for child in children)


def types_of(node: Any) -> list[str]:
    if not isinstance(node, dict):
        return []
    value = node.get("type")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def issuer_id(document: dict[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, dict) and isinstance(issuer.get("id"), str):
        return issuer["id"]
    return None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def check_context(document: dict[str, Any], *, open_badge: bool = True) -> None:
    context = document.get("@context")
    if not isinstance(context, list) or not context:
        raise CredentialError("the @context must be a list of contexts")
    if context[0] != CREDENTIALS_V2:
        raise CredentialError(f"the first @context must be {CREDENTIALS_V2}")
    if open_badge and (
        len(context) < 2 or not isinstance(context[1], str) or not OB_CONTEXT.match(context[1])
    ):
        raise CredentialError("the second @context must be the Open Badges 3.0 context")
    for entry in context:
        if not isinstance(entry, str | dict):
            raise CredentialError("each @context must be a URL or an object")


def _check_issuer(document: dict[str, Any]) -> None:
    issuer = document.get("issuer")
    if issuer is None:
        raise CredentialError("the credential has no issuer")
    if isinstance(issuer, dict):
        if not isinstance(issuer.get("id"), str) or not issuer["id"]:
            raise CredentialError("the issuer has no id")
        if "Profile" not in types_of(issuer):
            raise CredentialError(f"the issuer's type {issuer.get('type')!r} is not Profile")
    elif not isinstance(issuer, str) or not issuer:
        raise CredentialError("the issuer must be a Profile or its id")


def _check_subject(document: dict[str, Any]) -> None:
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict):
        raise CredentialError("the credential must have one credentialSubject object")
    if "AchievementSubject" not in types_of(subject):
        raise CredentialError(
            f"the credentialSubject's type {subject.get('type')!r} is not AchievementSubject"
        )
    identifiers = _as_list(subject.get("identifier"))
    if "id" not in subject and not identifiers:
        raise CredentialError("the credentialSubject has neither an id nor an identifier")
    for number, entry in enumerate(identifiers):
        if not isinstance(entry, dict) or entry.get("type") != "IdentityObject":
            kind = entry.get("type") if isinstance(entry, dict) else entry
            raise CredentialError(
                f"the credentialSubject's identifier {number + 1} has the type {kind!r}, "
                "not IdentityObject"
            )
    achievement = subject.get("achievement")
    if achievement is not None and "Achievement" not in types_of(achievement):
        raise CredentialError(
            f"the achievement's type {_type_of(achievement)!r} is not Achievement"
        )
    for number, result in enumerate(_as_list(subject.get("result"))):
        if "Result" not in types_of(result):
            raise CredentialError(
                f"the credentialSubject's result {number + 1} has the type "
                f"{_type_of(result)!r}, not Result"
            )


def _check_evidence(document: dict[str, Any]) -> None:
    for number, evidence in enumerate(_as_list(document.get("evidence"))):
        if "Evidence" not in types_of(evidence):
            raise CredentialError(
                f"evidence {number + 1} has the type {_type_of(evidence)!r}, not Evidence"
            )


def _type_of(node: Any) -> Any:
    return node.get("type") if isinstance(node, dict) else node


@cache
def _schema_validator() -> Draft201909Validator:
    text = (resources.files(__package__) / "schemas" / SCHEMA_FILE).read_text(encoding="utf-8")
    schema = json.loads(text)
    return Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)


def _as_arrays(schema: dict[str, Any], instance: Any, root: dict[str, Any], depth: int = 0) -> Any:
    """A copy of the instance with single values wrapped in a list wherever the schema expects an
    array: JSON-LD lets a set of one be written as the value itself, the JSON Schema does not
    (1EdTech validates the array form)."""
    if depth > 64:
        return instance
    while "$ref" in schema and schema["$ref"].startswith("#/$defs/"):
        schema = root["$defs"][schema["$ref"].removeprefix("#/$defs/")]
    expects_array = schema.get("type") == "array" or any(
        isinstance(part, dict) and part.get("type") == "array" for part in schema.get("allOf", [])
    )
    if expects_array and not isinstance(instance, list):
        instance = [instance]
    if isinstance(instance, list):
        items = schema.get("items")
        if isinstance(items, dict):
            return [_as_arrays(items, item, root, depth + 1) for item in instance]
        return instance
    if isinstance(instance, dict):
        properties = schema.get("properties", {})
        return {
            key: _as_arrays(properties[key], value, root, depth + 1) if key in properties else value
            for key, value in instance.items()
        }
    return instance


def _check_schema(document: dict[str, Any]) -> None:
    validator = _schema_validator()
    schema = validator.schema
    error = best_match(validator.iter_errors(_as_arrays(schema, document, schema)))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "the credential"
        message = error.message if len(error.message) <= 200 else error.message[:200] + "…"
        raise CredentialError(
            f"it does not match the Open Badges 3.0 schema at {where}: {message}", code="schema"
        )


def check_open_badge(document: dict[str, Any]) -> None:
    """Raises CredentialError with the reason unless the document is shaped like an OB 3.0
    OpenBadgeCredential / AchievementCredential (its @context is checked by check_context)."""
    types = types_of(document)
    if "VerifiableCredential" not in types:
        raise CredentialError("the type does not include VerifiableCredential")
    if not any(kind in types for kind in OB_CREDENTIAL_TYPES):
        raise CredentialError(
            "the type includes neither OpenBadgeCredential nor AchievementCredential"
        )
    _check_issuer(document)
    _check_subject(document)
    _check_evidence(document)
    _check_schema(document)


def check_status_list_credential(document: Any) -> dict[str, Any]:
    """The BitstringStatusList subject of a status list credential, its shape checked."""
    if not isinstance(document, dict):
        raise CredentialError("a status list credential must be a JSON object")
    types = types_of(document)
    if "VerifiableCredential" not in types or "BitstringStatusListCredential" not in types:
        raise CredentialError("it is not a BitstringStatusListCredential")
    check_context(document, open_badge=False)
    if issuer_id(document) is None:
        raise CredentialError("the status list credential has no issuer")
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict) or "BitstringStatusList" not in types_of(subject):
        raise CredentialError("its credentialSubject is not a BitstringStatusList")
    if not isinstance(subject.get("encodedList"), str):
        raise CredentialError("its BitstringStatusList has no encodedList")
    return subject
