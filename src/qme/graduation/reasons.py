"""The reasons of a verification in the reader's language: each kind of reason (a stable code,
see credentials.errors.REASON_CODES) has a translated explanation. The English reason of the
verifier stays as it is for `qme verify` and in the JSON, as technical detail."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

TEXTS = {
    "invalid": _("The credential is not valid."),
    "not_json": _("The file is not a JSON credential that can be read."),
    "too_large": _("The file is too large to be a credential."),
    "too_deeply_nested": _("The file is nested too deeply to be a credential."),
    "unreadable_file": _("The file cannot be read."),
    "pdf_unreadable": _("The PDF cannot be read."),
    "pdf_without_credential": _("The PDF has no credential attached."),
    "pdf_several_credentials": _(
        "The PDF has more than one credential attached, so it is not clear which one it stands "
        "for. A QME diploma carries exactly one."
    ),
    "not_an_object": _("The credential is not a JSON object."),
    "context": _("The credential does not declare the contexts of a verifiable credential."),
    "context_not_bundled": _(
        "The credential refers to a JSON-LD context that is not known here; it is never fetched."
    ),
    "undefined_terms": _(
        "The credential uses properties that its contexts do not define, so they would not be "
        "signed."
    ),
    "jsonld": _("The credential is not valid JSON-LD."),
    "not_an_open_badge": _("The credential is not an Open Badges 3.0 credential."),
    "schema": _("The credential does not match the Open Badges 3.0 schema."),
    "no_proof": _("The credential has no signature."),
    "unsupported_proof": _("The credential's signature is not of a kind that is supported."),
    "proof_value": _("The signature value is damaged."),
    "verification_method": _("The credential was not signed with a key of its issuer."),
    "signature_mismatch": _(
        "The signature does not match: the credential was changed after it was signed, or it "
        "was signed with another key."
    ),
    "date": _("A date in the credential is not a valid date and time."),
    "not_yet_valid": _("The credential is not valid yet."),
    "expired": _("The credential has expired."),
    "status": _("The credential's revocation status cannot be read."),
    "cannot_process": _("The credential cannot be processed."),
    "revoked": _("The issuer has revoked this credential."),
    "status_unknown": _("The signature and dates are valid, but the revocation status is unknown."),
}


def explain(codes: Iterable[str]) -> list[str]:
    """The translated explanation of each kind of reason, once each, in order."""
    texts = [str(TEXTS.get(code, TEXTS["invalid"])) for code in codes]
    return list(dict.fromkeys(texts)) or [str(TEXTS["invalid"])]


def result_context(result) -> dict:
    """What the pages show of a verification result."""
    return {
        "outcome": result.outcome,
        "reason": result.reason,
        "code": result.code,
        "explained": explain(result.codes) if result.outcome == "INVALID" else [],
    }
