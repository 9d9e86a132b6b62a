"""Report figures kept in the shared cache until the data they are computed from changes.

Computing a report reads whole tables (the feedback cadence all 500,000 feedback entries at
national scale), so the figures are computed once and kept per report, scope (the filters and
the hospitals the reader may see), language and day. The scope is part of the key: a
coordinator is only ever answered with figures computed for their own hospitals.

Every report names the models it reads (`views.Report.reads`). Each of these models has a version
number in the cache, and the key of a report's figures holds the versions of the models it
reads: any statement that writes a row of one of them (an INSERT, UPDATE or DELETE, whether it
comes from `save()`, `delete()`, `QuerySet.update()`, `bulk_create()`, a cascade or the admin)
bumps its version, so figures computed before the change are never shown again. The writes are
seen where they reach the database (a wrapper of every connection, `_watch_writes`), so no way of
writing is missed. A write outside a transaction bumps the version at once; the writes of a
transaction bump theirs together when it commits (one round trip), and until then the process
that wrote reads under versions of its own (`_Pending`), so what it computes from rows not yet
committed is never shown to anyone else, and nothing is bumped for a transaction rolled back.

When several processes ask for the same value right after a change (the office's readers of
a report, the visitors of the public list), one computes it and the others wait for its result
(`_wait_for`, at most WAIT_SECONDS) instead of each computing it again.

What moves with the clock alone (feedback "in the last 90 days") is bounded by `MAX_AGE`; the
page says when its figures were computed. Whatever writes in bulk without the ORM's statements
(none does today) should call `forget_all()`.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
import re
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.signals import connection_created
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


def _bump(keys: Iterable[str]) -> None:
    """Move each version on, in one round trip where the cache can (`qme.core.cache`)."""
    bump_many = getattr(cache, "bump_many", None)
    if bump_many is not None:
        bump_many(keys, _new_version)
        return
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:  # not in the cache (yet, or any more)
            cache.set(key, _new_version(), timeout=None)


class _Pending:
    """The writes of the transaction open on a connection: the versions it moves on when it
    commits (one `on_commit` callback per transaction, all versions in one round trip), and
    meanwhile this process's own versions of what it wrote, so that what it computes from its
    uncommitted rows is kept under keys no other process reads, and is never used again once a
    further write or the commit has made it out of date. A rollback drops the callback, and
    with it these versions; nothing was bumped for writes that never happened."""

    def __init__(self) -> None:
        self.token = uuid.uuid4().hex
        self.writes: dict[str, int] = {}

    def __call__(self) -> None:
        _forget_request_versions()
        _bump(sorted(self.writes))


def _pending(connection: Any) -> _Pending | None:
    if not connection.in_atomic_block:
        return None
    for _sids, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _Pending):
            return callback
    return None


def changed(*models_: type[models.Model], using: str | None = None) -> None:
    """The rows of these models changed: what was computed from them is out of date. Outside a
    transaction the versions move on at once (in one round trip); inside one, for this process
    at once and for everyone when the transaction commits."""
    keys = [_version_key(model) for model in models_]
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        _forget_request_versions()
        _bump(keys)
        return
    pending = _pending(connection)
    if pending is None:
        pending = _Pending()
        transaction.on_commit(pending, using=using)
    for key in keys:
        pending.writes[key] = pending.writes.get(key, 0) + 1


def forget_all() -> None:
    """Every report is out of date (after writing data in bulk, e.g. seeding)."""
    _forget_request_versions()
    _bump([f"{PREFIX}:generation"])


def _forget_request_versions() -> None:
    if _request_versions.get() is not None:
        _request_versions.set({})


#: The versions read during the current request: a page asks for the versions of its own reads,
#: the navigation's, the roles' and the unread count's, so the first asks for every watched
#: model's at once and the others take them from here. A write of this process forgets them
#: (`changed`); a write of another process during the request is as if it came just after it.
#: None outside a request (a command, the worker): every call reads the cache.
_request_versions: ContextVar[dict[str, int] | None] = ContextVar("qme_versions", default=None)


def _fetch_versions(keys: list[str]) -> dict[str, int]:
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, _new_version(), timeout=None)
            found[key] = cache.get(key)
    return found


def _versions(models_: Iterable[type[models.Model]]) -> list[object]:
    keys = [f"{PREFIX}:generation", *sorted(_version_key(m) for m in models_)]
    memo = _request_versions.get()
    if memo is None:
        memo = _fetch_versions(keys)
    else:
        missing = [key for key in keys if key not in memo]
        if missing:
            if not memo:  # the first of the request: every watched model at once
                missing = sorted({*missing, *(_version_key(m) for m in _TABLES.values())})
            memo.update(_fetch_versions(missing))
    pending = _pending(connections[DEFAULT_DB_ALIAS])
    if pending is None or not pending.writes:
        return [memo[key] for key in keys]
    # What this process wrote and has not committed: its own versions (`_Pending`).
    return [
        (memo[key], pending.token, pending.writes[key]) if key in pending.writes else memo[key]
        for key in keys
    ]


def _start_request(**kwargs: Any) -> None:
    _request_versions.set({})


def _end_request(**kwargs: Any) -> None:
    _request_versions.set(None)


request_started.connect(_start_request, dispatch_uid="qme.reports.cache:start")
request_finished.connect(_end_request, dispatch_uid="qme.reports.cache:end")


#: What makes up a release: the code, templates and translations of the `qme` package.
_RELEASE_FILES = (".py", ".html", ".txt", ".mo", ".json", ".ics")


@functools.cache
def release() -> str:
    """A fingerprint of this release's code, templates and translations, part of every key: a
    new release never shows what the one before kept (its HTML, its figures' shape), and the
    processes of one release share what they keep. Read once per process (about 3 MB)."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in _RELEASE_FILES and "__pycache__" not in path.parts and path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


#: Small values read by nearly every request (the feedback framework, a traineeship), kept in
#: this process too, by their full key: `remember(..., local=True)`. At most LOCAL_SIZE, each
#: for at most MAX_AGE seconds; a key holds the versions, so a change is seen as soon as with
#: the cache. They are kept pickled, as in the cache: every caller gets objects of its own.
LOCAL_SIZE = 512
_local: OrderedDict[str, tuple[float, bytes]] = OrderedDict()


def remember(
    name: str,
    reads: Iterable[type[models.Model]],
    parts: Any,
    compute: Callable[[], T],
    *,
    local: bool = False,
) -> T:
    """`compute()`, or what it gave before for the same `name` and `parts` (which must hold
    everything the result depends on besides the data of `reads`) while none of `reads` has
    changed, for at most MAX_AGE seconds. `local`: also kept in this process (for small values
    that no caller changes), which saves the cache's round trip."""
    identity = repr((parts, translation.get_language(), timezone.localdate().isoformat()))
    identity += repr(_versions(reads)) + release()
    key = f"{PREFIX}:{name}:{hashlib.sha256(identity.encode()).hexdigest()}"
    if not local:
        return _remember(key, compute)
    held = _local.get(key)
    if held is not None and held[0] > time.monotonic():
        _local.move_to_end(key)  # the least recently used go first
        return pickle.loads(held[1])  # noqa: S301 - pickled by this process
    value = _remember(key, compute)
    if value is not None:
        _local[key] = (time.monotonic() + MAX_AGE, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        while len(_local) > LOCAL_SIZE:
            _local.popitem(last=False)
    return value


def _remember(key: str, compute: Callable[[], T]) -> T:
    found = cache.get(key)
    if found is not None:
        return found
    # One process computes what several ask for at once right after a change (a report costs up
    # to a second cold); the others wait for its result instead of each computing it again.
    computing = f"{key}:computing"
    marked = cache.add(computing, 1, timeout=COMPUTING_SECONDS)
    if not marked:
        found = _wait_for(key)
        if found is not None:
            return found
    try:
        value = compute()
        cache.set(key, value, timeout=MAX_AGE)
    finally:
        if marked:
            cache.delete(computing)
    return value


#: How long another process's computation is waited for, and how long its mark is believed.
WAIT_SECONDS = 10.0
COMPUTING_SECONDS = 30


def _wait_for(key: str) -> Any:
    """What another process is computing under `key`, once it is there (None after
    WAIT_SECONDS: the caller computes it then)."""
    deadline = time.monotonic() + WAIT_SECONDS
    pause = 0.005
    while time.monotonic() < deadline:
        time.sleep(pause)
        found = cache.get(key)
        if found is not None:
            return found
        pause = min(pause * 2, 0.05)
    return None


#: The tables watched, and the model each belongs to.
_TABLES: dict[str, type[models.Model]] = {}

#: Columns whose change alone leaves everything kept up to date: signing in saves the person's
#: last sign-in, which no figure, list or navigation shows.
IGNORED_COLUMNS: dict[str, frozenset[str]] = {"accounts_user": frozenset({"last_login"})}

_WRITE = re.compile(r'\s*(UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_SET_COLUMN = re.compile(r'"(\w+)"\s*=')


def written_model(sql: object) -> type[models.Model] | None:
    """The watched model whose rows the statement writes, if any."""
    if not isinstance(sql, str):
        return None
    match = _WRITE.match(sql)
    if match is None:
        return None
    verb, table = match.group(1).upper(), match.group(2)
    model = _TABLES.get(table)
    if model is None:
        return None
    ignored = IGNORED_COLUMNS.get(table)
    if ignored and verb == "UPDATE":
        assignments = re.split(r"\sWHERE\s", sql[match.end() :], maxsplit=1, flags=re.I)[0]
        if set(_SET_COLUMN.findall(assignments)) <= ignored:
            return None
    return model


_WITH = re.compile(r"\s*WITH\s", re.IGNORECASE)
_WRITES_WITHIN = re.compile(r'\b(?:UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def written_models(sql: object) -> list[type[models.Model]]:
    """The watched models whose rows the statement writes: one for an UPDATE, INSERT or DELETE;
    each table written anywhere in a WITH statement (`qme.core.inserts`)."""
    if isinstance(sql, str) and _WITH.match(sql):
        return list(dict.fromkeys(m for m in map(_TABLES.get, _WRITES_WITHIN.findall(sql)) if m))
    model = written_model(sql)
    return [] if model is None else [model]


def _watch_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    written = written_models(sql)
    if written:
        changed(*written, using=context["connection"].alias)
    return result


def watches(models_: Iterable[type[models.Model]]) -> bool:
    """Whether a write of each of these models is seen (`watch`)."""
    return all(model._meta.db_table in _TABLES for model in models_)


def _install(connection: Any) -> None:
    # First in the list: Django's own `execute_wrapper()` blocks push and pop at the end.
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _watch_writes)


def _on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    _install(connection)


def watch(models_: Iterable[type[models.Model]]) -> None:
    """Bump the version of each of these models whenever a statement writes one of its rows."""
    for model in set(models_):
        _TABLES[model._meta.db_table] = model
    connection_created.connect(_on_connection_created, dispatch_uid="qme.reports.cache:writes")
    for connection in connections.all(initialized_only=True):
        _install(connection)
