"""The one exception type of the credential module: its message is the reason shown to people."""


class CredentialError(Exception):
    """A credential (or a file meant to hold one) cannot be accepted; str() is the reason (in
    English), `code` a stable, machine-readable name of the kind of reason (see REASON_CODES)."""

    code: str = "invalid"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


#: The kinds of reasons for INVALID, and the codes of the other outcomes; stable names that
#: clients (and the translated texts of the pages) rely on.
REASON_CODES = (
    "invalid",  # anything else
    "not_json",
    "too_large",
    "too_deeply_nested",
    "unreadable_file",
    "pdf_unreadable",
    "pdf_without_credential",
    "pdf_several_credentials",
    "not_an_object",
    "context",
    "context_not_bundled",
    "undefined_terms",
    "jsonld",
    "not_an_open_badge",
    "schema",
    "no_proof",
    "unsupported_proof",
    "proof_value",
    "verification_method",
    "signature_mismatch",
    "date",
    "not_yet_valid",
    "expired",
    "status",
    "cannot_process",
    "revoked",
    "status_unknown",
)
