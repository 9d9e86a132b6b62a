"""JSON-LD for credentials, offline: bundled contexts only, RDFC-1.0 canonicalisation, and the
detection of properties and types that the contexts do not define.

A term that no context defines is dropped by JSON-LD expansion, so it would not be part of the
canonical N-Quads and so not be covered by the signature: anyone could change it. Such documents
are refused, for signing and for verifying alike.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

from cachetools import LRUCache
from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.context_resolver import ContextResolver
from pyld.identifier_issuer import IdentifierIssuer

from .errors import CredentialError

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT_3_0_3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"

BUNDLED_CONTEXTS: dict[str, str] = {
    CREDENTIALS_V2: "credentials-v2.jsonld",
    OB_CONTEXT_3_0_3: "ob-context-3.0.3.json",
    OB_EXTENSIONS: "ob-extensions.json",
}

# Expansion with the VC 2.0 context maps terms that no context defines to this vocabulary in
# context versions that declare an @vocab; such properties are not really defined either.
ISSUER_DEPENDENT_VOCAB = "https://www.w3.org/ns/credentials/issuer-dependent#"

# A bound on the work of canonicalisation: RDFC-1.0 is exponential on crafted blank-node graphs
# ("poison graphs"); an honest credential needs no N-degree hashing at all.
MAX_N_DEGREE_HASHES = 2000
MAX_BLANK_NODES = 1000

_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S*$")


class ContextNotBundled(CredentialError):
    """A document refers to a JSON-LD context that is not bundled; it is never fetched."""

    code = "context_not_bundled"

    def __init__(self, url: str) -> None:
        super().__init__(f"the JSON-LD context {url!r} is not one of the bundled contexts")
        self.url = url


class UndefinedTerms(CredentialError):
    """The document uses properties or types that its contexts do not define."""

    code = "undefined_terms"

    def __init__(self, terms: list[str]) -> None:
        listed = ", ".join(terms[:10])
        more = f" and {len(terms) - 10} more" if len(terms) > 10 else ""
        super().__init__(
            f"the JSON-LD contexts do not define {listed}{more}, so it would not be signed"
        )
        self.terms = terms


@cache
def _context_text(filename: str) -> str:
    return (resources.files(__package__) / "contexts" / filename).read_text(encoding="utf-8")


def load_bundled_context(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """The pyld document loader: serves the bundled contexts, refuses every other URL.

    It never opens a network connection, whatever the URL.
    """
    filename = BUNDLED_CONTEXTS.get(url)
    if filename is None:
        raise ContextNotBundled(url)
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(_context_text(filename)),
        # "static": pyld keeps the resolved context in the shared cache below, across calls,
        # with the contexts processed from it, instead of resolving it again for every
        # document. The bundled files never change while the process runs.
        "tag": "static",
    }


# Resolved contexts: the bundled ones by URL (only ever filled through the bundled loader above),
# and inline context objects by their canonical JSON.
_resolved_contexts: LRUCache = LRUCache(maxsize=64)


def _options(**extra: Any) -> dict[str, Any]:
    return {
        "documentLoader": load_bundled_context,
        "contextResolver": ContextResolver(_resolved_contexts, load_bundled_context),
        "processingMode": "json-ld-1.1",
        "base": None,  # relative IRIs stay relative (and are refused), not resolved
        **extra,
    }


def _reraise(error: Exception) -> None:
    """Find our own error in pyld's chain of causes, or describe pyld's deepest one."""
    cause: BaseException | None = error
    deepest: BaseException = error
    while cause is not None:
        if isinstance(cause, CredentialError):
            raise cause from None
        deepest = cause
        cause = cause.__cause__ or cause.__context__
    message = deepest.args[0] if deepest.args and isinstance(deepest.args[0], str) else str(deepest)
    message = " ".join(message.split())
    raise CredentialError(f"the document is not valid JSON-LD: {message}", code="jsonld") from error


def expand(document: dict[str, Any]) -> tuple[list[Any], list[str]]:
    """JSON-LD expansion with the bundled contexts; also the properties it dropped."""
    dropped: list[str] = []

    def on_dropped(expanded_property: str | None) -> None:
        dropped.append(expanded_property if expanded_property else "(a term mapped to null)")

    try:
        expanded = jsonld.expand(document, _options(), on_property_dropped=on_dropped)
    except Exception as error:  # pyld raises JsonLdError, and our loader's refusals inside it
        _reraise(error)
        raise  # unreachable
    return expanded, dropped


def undefined_terms(document: dict[str, Any]) -> list[str]:
    """Properties and types that the contexts do not define, and identifiers that are not IRIs.

    Each of them would silently drop out of the canonical form and so out of the signature.
    """
    expanded, dropped = expand(document)
    return _problems_of(expanded, dropped)


def _problems_of(expanded: list[Any], dropped: list[str]) -> list[str]:
    problems: list[str] = [f"the property {name!r}" for name in dropped]

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
            return
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            if key == "@type":
                for type_ in value if isinstance(value, list) else [value]:
                    if "@value" in node and type_ == "@json":
                        continue
                    if not _is_iri(type_) or type_.startswith(ISSUER_DEPENDENT_VOCAB):
                        problems.append(f"the type {_short(type_)!r}")
            elif key == "@id":
                if not (_is_iri(value) or value.startswith("_:")):
                    problems.append(f"the identifier {value!r} (not an absolute IRI)")
            elif key == "@value":
                continue
            elif not key.startswith("@") and key.startswith(ISSUER_DEPENDENT_VOCAB):
                problems.append(f"the property {_short(key)!r}")
            walk(value)

    walk(expanded)
    return list(dict.fromkeys(problems))


def require_defined_terms(document: dict[str, Any]) -> None:
    problems = undefined_terms(document)
    if problems:
        raise UndefinedTerms(problems)


def _is_iri(value: Any) -> bool:
    return isinstance(value, str) and bool(_ABSOLUTE_IRI.match(value))


def _short(iri: str) -> str:
    return iri.removeprefix(ISSUER_DEPENDENT_VOCAB)


class _BoundedURDNA2015(URDNA2015):
    """pyld's RDFC-1.0 (URDNA2015) with a bound on the N-degree hashing work."""

    def __init__(self) -> None:
        super().__init__()
        self.n_degree_calls = 0

    def hash_n_degree_quads(self, id_: str, issuer: Any) -> Any:
        self.n_degree_calls += 1
        if self.n_degree_calls > MAX_N_DEGREE_HASHES:
            raise CredentialError(
                "the document's blank nodes are too costly to canonicalise", code="jsonld"
            )
        return super().hash_n_degree_quads(id_, issuer)


def canonicalize(document: dict[str, Any]) -> str:
    """The RDFC-1.0 canonical N-Quads of a JSON-LD document (pyld's URDNA2015).

    The same result as `jsonld.normalize(document, {"algorithm": "URDNA2015", "format":
    "application/n-quads"})` with the bundled loader, with a bound on the work.
    """
    expanded, _dropped = expand(document)
    return _canonical(expanded)


def expand_defined(document: dict[str, Any]) -> list[Any]:
    """The expanded document, after `require_defined_terms`, from one expansion; for
    `canonical_of_expanded` (expansion is most of the cost of signing and verifying)."""
    expanded, dropped = expand(document)
    problems = _problems_of(expanded, dropped)
    if problems:
        raise UndefinedTerms(problems)
    return expanded


def canonical_of_expanded(expanded: list[Any]) -> str:
    """`canonicalize` of a document from its expansion (`expand_defined`). It uses the expansion
    up: pyld's node map changes it."""
    return _canonical(expanded)


def _canonical(expanded: list[Any]) -> str:
    """The canonical N-Quads of an expanded document: the steps of pyld's `to_rdf` after its
    expansion (the node map and the RDF of each graph), then RDFC-1.0 with the bound."""
    try:
        processor = jsonld.JsonLdProcessor()
        options = _options(produceGeneralizedRdf=False)
        issuer = IdentifierIssuer("_:b")
        node_map: dict[str, Any] = {"@default": {}}
        processor._create_node_map(expanded, node_map, "@default", issuer)
        dataset = {}
        for graph_name, graph in sorted(node_map.items()):
            # pyld skips graphs named by relative IRIs
            if graph_name == "@default" or jsonld._is_absolute_iri(graph_name):
                dataset[graph_name] = processor._graph_to_rdf(graph, issuer, options)
        blank_nodes = {
            part["value"]
            for triples in dataset.values()
            for triple in triples
            for part in (triple["subject"], triple["object"])
            if part["type"] == "blank node"
        }
        if len(blank_nodes) > MAX_BLANK_NODES:
            raise CredentialError("the document has too many blank nodes", code="jsonld")
        return _BoundedURDNA2015().main(dataset, {"format": "application/n-quads"})
    except Exception as error:
        _reraise(error)
        raise  # unreachable
