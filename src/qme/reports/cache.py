"""Report figures kept in the shared cache until the data they are computed from changes.

Computing a report reads whole tables (the feedback cadence all 500,000 feedback entries at
national scale), so the figures are computed once and kept per report, scope (the filters and
the hospitals the reader may see), language and day. The scope is part of the key: a
coordinator is only ever answered with figures computed for their own hospitals.

Every report names the models it reads (`views.Report.reads`). Each of these models has a version
number in the cache, and the key of a report's figures holds the versions of the models it
reads: saving or deleting a row of one of them (any `save()` or `delete()`, cascades and the admin
included) bumps its version, so figures computed before the change are never shown again. The
version is bumped at once and once more when the transaction commits, so figures computed in
between, from data not yet committed, are not kept either.

Writes that skip the model signals (`QuerySet.update()`, `bulk_create()`) do not bump a version.
The services use them on these models only for what no report counts (a position's or an
offer's state, the items of a draft plan, the next due date). Whatever writes report data in
bulk (as the national seed does) should call `forget_all()`, or its changes show only after
`MAX_AGE`. That bound also holds for the figures that move with the clock alone (feedback "in
the last 90 days"); the page says when its figures were computed.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation

#: Figures are recomputed at least this often (seconds), whatever the changes.
MAX_AGE = 600

#: The keys' prefix. Its number changes when what is kept changes shape (a field of
#: queries.ReportData or queries.Table), so that an upgrade never reads what the version before
#: kept.
PREFIX = "qme:reports:1"
T = TypeVar("T")


def _version_key(model: type[models.Model]) -> str:
    return f"{PREFIX}:version:{model._meta.label_lower}"


def _new_version() -> int:
    # Never a number used before, even when the cache lost the old one.
    return time.time_ns()


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not in the cache (yet, or any more)
        cache.set(key, _new_version(), timeout=None)


class _BumpOnCommit:
    """Bumps a version when the transaction commits; one per version and transaction."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __call__(self) -> None:
        _bump(self.key)


def changed(model: type[models.Model], using: str | None = None) -> None:
    """The rows of `model` changed: figures computed from it are out of date, now and once the
    transaction commits."""
    key = _version_key(model)
    _bump(key)
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and any(
        getattr(callback, "key", None) == key
        for _sids, callback, _robust in connection.run_on_commit
    ):
        return  # a transaction that writes many rows bumps once when it commits
    transaction.on_commit(_BumpOnCommit(key), using=using)


def forget_all() -> None:
    """Every report is out of date (after writing data in bulk, e.g. seeding)."""
    _bump(f"{PREFIX}:generation")


def _versions(models_: Iterable[type[models.Model]]) -> list[int]:
    keys = [f"{PREFIX}:generation", *sorted(_version_key(m) for m in models_)]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, _new_version(), timeout=None)
            found[key] = cache.get(key)
    return [found[key] for key in keys]


def remember(
    name: str, reads: Iterable[type[models.Model]], parts: Any, compute: Callable[[], T]
) -> T:
    """`compute()`, or what it gave before for the same `name` and `parts` (which must hold
    everything the result depends on besides the data of `reads`) while none of `reads` has
    changed, for at most MAX_AGE seconds."""
    identity = repr((parts, translation.get_language(), timezone.localdate().isoformat()))
    identity += repr(_versions(reads))
    key = f"{PREFIX}:{name}:{hashlib.sha256(identity.encode()).hexdigest()}"
    found = cache.get(key)
    if found is not None:
        return found
    value = compute()
    cache.set(key, value, timeout=MAX_AGE)
    return value


def _on_change(sender: type[models.Model], **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    # Signing in saves a person's last_login: only their name shows in a report.
    if (
        sender._meta.label_lower == "accounts.user"
        and fields is not None
        and "full_name" not in fields
    ):
        return
    changed(sender, kwargs.get("using"))


def watch(models_: Iterable[type[models.Model]]) -> None:
    """Bump the version of each of these models whenever one of its rows is saved or deleted."""
    for model in set(models_):
        uid = f"qme.reports.cache:{model._meta.label_lower}"
        post_save.connect(_on_change, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=uid + ":delete")
