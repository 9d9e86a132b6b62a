"""What every app's `privacy.py` offers, and the small helpers they share.

Each `qme.<app>.privacy` module defines:

- `personal_data(user) -> dict`: everything the app holds about or by the person, JSON-ready,
  with readable keys; empty lists for nothing held;
- `summary(user) -> dict[str, int]` (optional): the counts of `personal_data` for the "Your
  data" page, where reading everything would be slow (the audit trail);
- `files(user) -> list[tuple[str, FieldFile]]` (optional): the person's own files, as (name in
  the archive, file);
- `erasure_blockers(user) -> list[str]`: why the law does not allow erasing the person yet
  (translated); empty when nothing stands in the way;
- `erase(user) -> None`: delete or anonymise what the app holds about the person. Called inside
  one transaction, with field history switched off, before the person's account is anonymised
  (so `user.email` and `user.full_name` are still the old ones).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _


def when(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def number(value: Decimal | int | None) -> str | None:
    if value is None:
        return None
    return f"{Decimal(value).normalize():f}"


def erased_name() -> str:
    return _("Erased person")


def erased_email(pk: int, suffix: str = "") -> str:
    return f"erased-{pk}{suffix}@erased.invalid"


def safe_name(text: str, *, default: str = "file") -> str:
    """A file name that is safe inside a ZIP on every system."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")[:80]
    return cleaned or default


def file_entry(folder: str, prefix: str, file: FieldFile, original: str = "") -> str:
    """The name of a stored file inside the archive: folder/prefix-original.pdf."""
    name = original or file.name.rsplit("/", 1)[-1]
    return f"{folder}/{safe_name(prefix)}-{safe_name(name)}"


def person_label(person: Any) -> str | None:
    """A person as others see them in an export: their name, or 'Erased person'."""
    if person is None:
        return None
    if not person.is_active and person.email.endswith("@erased.invalid"):
        return erased_name()
    return person.full_name


def delete_file_on_commit(file: FieldFile) -> None:
    """Delete a stored file once the erasure has committed: a refused or failed erasure keeps
    every file."""
    from django.db import transaction

    if not file:
        return
    storage, name = file.storage, file.name
    transaction.on_commit(lambda: storage.delete(name))


def searchable_name(full_name: str) -> str | None:
    """The name to look for in free text, or None when it is too short or a single word ("Anna"
    would also match every other Anna, and "Test" every test)."""
    name = " ".join(full_name.split())
    return name if len(name) >= 4 and " " in name else None


def mention_patterns(email: str, full_name: str) -> list[re.Pattern]:
    """The person's address, and their full name as whole words, case-insensitive."""
    patterns = [re.compile(re.escape(email), re.IGNORECASE)] if email else []
    name = searchable_name(full_name)
    if name:
        words = r"\s+".join(re.escape(word) for word in name.split(" "))
        patterns.append(re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE))
    return patterns
