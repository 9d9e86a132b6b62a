"""Rows that belong together, written by PostgreSQL in one statement.

A new row and the rows that point at it usually take a transaction of their own: BEGIN, one
INSERT each, COMMIT, a round trip to the database for every one of them. `insert_together`
sends them as one statement instead (a data-modifying WITH query), which PostgreSQL runs as a
whole or not at all. The INSERTs are the ones Django's ORM compiles for the unsaved objects,
so every field is converted as `save()` would; a dependent row names the new row's id with
`NEW_ID`. Model signals are not sent, as with `bulk_create`.

Only for PostgreSQL (`supported`); elsewhere the caller saves the objects in a transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.db import connections, models
from django.db.models.expressions import RawSQL
from django.db.models.sql import InsertQuery

#: The id of the row `insert_together` creates, for the rows that point at it.
NEW_ID = RawSQL("(SELECT id FROM new_row)", [])


def json_with_new_id(data: dict, key: str) -> RawSQL:
    """A JSON field's value: `data` with the new row's id under `key`."""
    return RawSQL(  # noqa: S611 - the data is a parameter
        f"%s::jsonb || jsonb_build_object(%s, {NEW_ID.sql})", [json.dumps(data), key]
    )


def supported(using: str = "default") -> bool:
    return connections[using].vendor == "postgresql"


def _compiled(objs: Sequence[models.Model], using: str, returning: bool) -> tuple[str, list]:
    model = type(objs[0])
    meta = model._meta
    fields = [
        field
        for field in meta.local_concrete_fields
        if not (field.primary_key and getattr(objs[0], field.attname) is None)
    ]
    query = InsertQuery(model)
    query.insert_values(fields, objs)
    compiler = query.get_compiler(using=using)
    if returning:
        compiler.returning_fields = [meta.pk]
    [(sql, params)] = compiler.as_sql()
    return sql, list(params)


def insert_together(
    new: models.Model, dependents: Sequence[Sequence[models.Model]], *, using: str = "default"
) -> models.Model:
    """Insert `new` and each group of `dependents` (objects of one model each, that may use
    NEW_ID for a value) in one statement; `new` gets its id and is saved from then on."""
    if not supported(using):
        raise NotImplementedError("insert_together needs PostgreSQL")
    first, params = _compiled([new], using, returning=True)
    parts = [f"new_row AS ({first})"]
    for index, group in enumerate(group for group in dependents if group):
        sql, more = _compiled(list(group), using, returning=False)
        parts.append(f"dependent_{index} AS ({sql})")
        params += more
    # The parts are the ORM's own compiled INSERTs; every value is a parameter.
    statement = f"WITH {', '.join(parts)} SELECT id FROM new_row"  # noqa: S608
    with connections[using].cursor() as cursor:
        cursor.execute(statement, params)
        (new.pk,) = cursor.fetchone()
    new._state.adding = False
    new._state.db = using
    return new
