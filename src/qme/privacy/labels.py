"""The kinds of data on the "Your data" page, in the reader's language. The keys are those of
personal-data.json (English, stable for machines); a key that is not listed here is shown as
written, with underscores as spaces."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    # accounts
    "profile": _("profile"),
    "API tokens": _("API tokens"),
    "drafts of forms not yet sent": _("drafts of forms not yet sent"),
    # organisations
    "roles": _("roles"),
    # audit
    "actions you took": _("actions you took"),
    "actions about your account": _("actions about your account"),
    "field changes you made": _("field changes you made"),
    # positions
    "position requests you created or are named in": _(
        "position requests you created or are named in"
    ),
    "comments you wrote": _("comments you wrote"),
    "files you uploaded": _("files you uploaded"),
    "positions with you as public contact": _("positions with you as public contact"),
    # selection
    "applications": _("applications"),
    "selection committees": _("selection committees"),
    # training
    "your traineeships": _("your traineeships"),
    "traineeships you supervise or supervised": _("traineeships you supervise or supervised"),
    "sign-offs you decided": _("sign-offs you decided"),
    # feedback
    "feedback on your traineeships": _("feedback on your traineeships"),
    "feedback you gave": _("feedback you gave"),
    "multisource feedback you were asked for": _("multisource feedback you were asked for"),
    "assessments you took part in": _("assessments you took part in"),
    "reviews you recorded": _("reviews you recorded"),
    # graduation
    "diplomas": _("diplomas"),
    "graduation cases": _("graduation cases"),
    "votes you cast on the examination board": _("votes you cast on the examination board"),
    # privacy (sign-in and the machinery)
    "sign-in addresses": _("sign-in addresses"),
    "two-factor authentication": _("two-factor authentication"),
    "erasures you carried out": _("erasures you carried out"),
    # notifications
    "email_choice": _("choice of e-mails"),
    "notifications": _("notifications"),
    "emails": _("e-mails sent to you"),
}


def label_for(key: str) -> str:
    label = LABELS.get(key)
    return str(label) if label is not None else key.replace("_", " ")
