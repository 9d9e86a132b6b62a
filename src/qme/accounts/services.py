"""State changes of people and their API tokens. Views, API and commands all call these."""

from __future__ import annotations

import datetime as dt

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qme.audit.services import record_event
from qme.core.errors import ActionRefused
from qme.core.mail import queue_email
from qme.core.permissions import require

from .models import ApiToken, Draft, User

EDITABLE_FIELDS = ("full_name", "preferred_name", "phone", "language")


def _set_password_url(user: User) -> str:
    key = default_token_generator.make_token(user)
    return reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
    )


@transaction.atomic
def create_person(
    *,
    actor: User | None,
    email: str,
    full_name: str,
    language: str = User.Language.DUTCH,
    preferred_name: str = "",
    phone: str = "",
    password: str | None = None,
    send_invitation: bool = True,
    invited_by: User | None = None,
) -> User:
    """Create an account. Without a password the person is invited by e-mail to choose one."""
    if actor is not None:
        require(actor, "accounts.manage_people")
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ActionRefused(_("Someone with this e-mail address already exists."), code="duplicate")
    user = User(
        email=email,
        full_name=full_name.strip(),
        preferred_name=preferred_name.strip(),
        phone=phone.strip(),
        language=language,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    inviter = actor or invited_by
    record_event(actor=inviter, action="person.created", target=user)
    if send_invitation and not password:
        queue_email(
            to=user.email,
            template="invitation",
            context={
                "person": user.full_name,
                "invited_by": str(inviter) if inviter else "",
                "path": _set_password_url(user),
            },
            language=user.language,
        )
    return user


@transaction.atomic
def update_person(*, actor: User, person: User, changes: dict[str, object]) -> User:
    if actor.pk != person.pk:
        require(actor, "accounts.manage_people")
    allowed = set(EDITABLE_FIELDS)
    if actor.has_perm("accounts.manage_people"):
        allowed.add("email")
    unknown = set(changes) - allowed
    if unknown:
        raise ActionRefused(
            _("These fields cannot be changed here: {fields}.").format(
                fields=", ".join(sorted(unknown))
            )
        )
    changed = [field for field, value in changes.items() if getattr(person, field) != value]
    if not changed:
        return person
    for field in changed:
        setattr(person, field, changes[field])
    if "email" in changed:
        person.email = person.email.strip().lower()
        if User.objects.filter(email__iexact=person.email).exclude(pk=person.pk).exists():
            raise ActionRefused(
                _("Someone with this e-mail address already exists."), code="duplicate"
            )
    person.full_clean()
    person.save(update_fields=changed)
    if "email" in changed:
        EmailAddress.objects.filter(user=person).delete()
        EmailAddress.objects.create(user=person, email=person.email, primary=True, verified=True)
    record_event(actor=actor, action="person.updated", target=person, data={"fields": changed})
    return person


@transaction.atomic
def set_person_active(*, actor: User, person: User, active: bool, reason: str) -> User:
    require(actor, "accounts.manage_people")
    if person.pk == actor.pk and not active:
        raise ActionRefused(_("You cannot deactivate your own account."))
    if person.is_active == active:
        return person
    if not reason.strip():
        raise ActionRefused(_("Give a reason."), code="reason_required")
    person.is_active = active
    person.save(update_fields=["is_active"])
    record_event(
        actor=actor,
        action="person.activated" if active else "person.deactivated",
        target=person,
        reason=reason.strip(),
    )
    return person


@transaction.atomic
def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token and its secret, which is shown to the person once and never stored."""
    name = name.strip()
    if not name:
        raise ActionRefused(_("Give the token a name."), code="name_required")
    if len(name) > 100:
        raise ActionRefused(_("Use at most 100 characters for the name."), code="name_too_long")
    raw = ApiToken.new_raw_token()
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=ApiToken.hash(raw), hint=raw[-6:]
    )
    record_event(actor=user, action="api_token.created", target=token)
    return token, raw


@transaction.atomic
def revoke_api_token(*, user: User, token: ApiToken) -> ApiToken:
    if token.user_id != user.pk:
        raise ActionRefused(_("This is not your token."), code="not_found")
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_event(actor=user, action="api_token.revoked", target=token)
    return token


def authenticate_api_token(raw: str) -> User | None:
    if not raw.startswith(ApiToken.PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(key_hash=ApiToken.hash(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- Sessions that end after inactivity, and drafts that survive it ----------------------------

#: A draft may hold this many characters of form data at most.
DRAFT_MAX_CHARS = 100_000
#: Drafts untouched for this many days are removed by the nightly job.
DRAFT_DAYS = 30


def touch_session(session, *, now: dt.datetime | None = None, force: bool = False) -> bool:
    """Activity: the session now ends QME_SESSION_IDLE_SECONDS from now. Written at most once
    a minute (force: now), so that a busy page does not write its session on every request.
    Returns whether it was written."""
    now = now or timezone.now()
    last = session.get("qme_active_at", 0)
    if not force and now.timestamp() - last < settings.SESSION_ACTIVITY_RESOLUTION:
        return False
    session["qme_active_at"] = int(now.timestamp())
    session.set_expiry(now + dt.timedelta(seconds=settings.SESSION_IDLE_SECONDS))
    return True


def start_session(session, *, now: dt.datetime | None = None) -> None:
    """At sign-in: the clocks of inactivity and of the maximum time start now."""
    now = now or timezone.now()
    session["qme_signed_in_at"] = int(now.timestamp())
    touch_session(session, now=now, force=True)


def session_too_old(session, *, now: dt.datetime | None = None) -> bool:
    """Whatever the activity, a sign-in lasts at most QME_SESSION_SECONDS."""
    now = now or timezone.now()
    started = session.get("qme_signed_in_at")
    if started is None:
        session["qme_signed_in_at"] = int(now.timestamp())
        return False
    return now.timestamp() - started > settings.SESSION_MAX_SECONDS


def _clean_draft(data: object) -> dict[str, list[str]]:
    """Field name → list of values, strings only; anything else is refused."""
    if not isinstance(data, dict):
        raise ValidationError(_("A draft is a set of form fields."))
    cleaned: dict[str, list[str]] = {}
    for name, values in data.items():
        values = values if isinstance(values, list) else [values]
        if not isinstance(name, str) or not all(isinstance(v, str) for v in values):
            raise ValidationError(_("A draft holds text only."))
        if name == "csrfmiddlewaretoken" or "password" in name.lower() or "\x00" in name:
            continue
        cleaned[name[:200]] = [v.replace("\x00", "") for v in values]
    if sum(len(v) for vs in cleaned.values() for v in vs) > DRAFT_MAX_CHARS:
        raise ValidationError(_("This draft is too long to keep."))
    return cleaned


def _clean_key(key: str) -> str:
    key = (key or "").strip()
    if not key.startswith("/") or len(key) > 300 or "\x00" in key:
        raise ValidationError(_("A draft belongs to a page of this site."))
    return key


def save_draft(*, user: User, key: str, data: object) -> Draft:
    draft, _created = Draft.objects.update_or_create(
        user=user,
        key=_clean_key(key),
        defaults={"data": _clean_draft(data), "updated_at": timezone.now()},
    )
    return draft


def get_draft(*, user: User, key: str) -> Draft | None:
    return Draft.objects.filter(user=user, key=_clean_key(key)).first()


def discard_draft(*, user: User, key: str) -> int:
    deleted, _kinds = Draft.objects.filter(user=user, key=_clean_key(key)).delete()
    return deleted


def delete_stale_drafts(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    deleted, _kinds = Draft.objects.filter(
        updated_at__lt=now - dt.timedelta(days=DRAFT_DAYS)
    ).delete()
    return deleted
