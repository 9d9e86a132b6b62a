"""Open Badges 3.0 credentials with `eddsa-rdfc-2022` Data Integrity proofs, offline.

    from qme.graduation.credentials import verify, sign

    result = verify(document, status_list=list_credential, key_resolver=registry)
    result.outcome  # "VALID", "INVALID", "REVOKED" or "STATUS_UNKNOWN"
    result.reason

JSON-LD contexts are bundled (contexts/) and never fetched; a property or type that the contexts
do not define is refused, for signing and verifying alike, because it would not be signed.
"""

from .errors import CredentialError
from .files import (
    attach_credential,
    credential_from_bytes,
    credential_from_file,
    credential_from_pdf,
)
from .jsonld import (
    BUNDLED_CONTEXTS,
    ContextNotBundled,
    UndefinedTerms,
    canonicalize,
    load_bundled_context,
    undefined_terms,
)
from .keys import (
    KeyRegistry,
    KeyResolver,
    did_key,
    did_key_verification_method,
    from_multikey,
    to_multikey,
)
from .proof import sign
from .status import encode_list
from .verifier import (
    EXIT_CODES,
    INVALID,
    REVOKED,
    STATUS_UNKNOWN,
    VALID,
    VerificationResult,
    verify,
)

__all__ = [
    "BUNDLED_CONTEXTS",
    "EXIT_CODES",
    "INVALID",
    "REVOKED",
    "STATUS_UNKNOWN",
    "VALID",
    "ContextNotBundled",
    "CredentialError",
    "KeyRegistry",
    "KeyResolver",
    "UndefinedTerms",
    "VerificationResult",
    "attach_credential",
    "canonicalize",
    "credential_from_bytes",
    "credential_from_file",
    "credential_from_pdf",
    "did_key",
    "did_key_verification_method",
    "encode_list",
    "from_multikey",
    "load_bundled_context",
    "sign",
    "to_multikey",
    "undefined_terms",
    "verify",
]
