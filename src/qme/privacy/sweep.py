"""The safety net of erasure: after every app has erased what it holds, the erased person's
name and e-mail address are replaced in every text column of every table ("Erased person", and
the anonymised address). It catches what an app keeps as text without knowing whom it names,
such as an e-mail sent to someone else that mentions the person, or a label in the audit trail.

The name is searched for as whole words, and only when it has at least two words (a single
word, or a name shorter than four characters, would match strangers and maim sentences); the
address always is. Stored file names and the person's own account are left alone.
"""

from __future__ import annotations

import re
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q

from .protocol import mention_patterns, searchable_name


def _text_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.JSONField)
        and not isinstance(field, models.FileField)
        and not field.primary_key
        and not field.choices
    ]


def _replace(value: Any, replacements: list[tuple[re.Pattern, str]]) -> Any:
    if isinstance(value, str):
        for pattern, new in replacements:
            value = pattern.sub(new, value)
        return value
    if isinstance(value, list):
        return [_replace(v, replacements) for v in value]
    if isinstance(value, dict):
        return {_replace(k, replacements): _replace(v, replacements) for k, v in value.items()}
    return value


def sweep(
    *, email: str, full_name: str, new_email: str, label: str, skip: tuple[type, ...] = ()
) -> int:
    """Replace the old address and name everywhere; returns the number of rows changed."""
    name = searchable_name(full_name)
    needles = [email] + ([name] if name else [])
    address, *names = mention_patterns(email, full_name)
    replacements = [(address, new_email)] + [(pattern, label) for pattern in names]
    changed = 0
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or model in skip:
            continue
        fields = _text_fields(model)
        if not fields:
            continue
        condition = Q()
        for old in needles:
            for field in fields:
                condition |= Q(**{f"{field.name}__icontains": old})
        rows = model._base_manager.filter(condition).only(meta.pk.name, *(f.name for f in fields))
        for row in rows.iterator():
            updates = {}
            for field in fields:
                value = getattr(row, field.attname)
                new = _replace(value, replacements)
                if new != value:
                    if isinstance(new, str) and field.max_length:
                        new = new[: field.max_length]
                    updates[field.attname] = new
            if updates:
                model._base_manager.filter(pk=row.pk).update(**updates)
                changed += 1
    return changed
