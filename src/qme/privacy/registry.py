"""Finding every app's privacy.py: `qme.<app>.privacy` for each app in INSTALLED_APPS."""

from __future__ import annotations

import functools
import importlib
import importlib.util
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.apps import apps

#: Erased last: the audit trail needs the person's name and address to find them, and the
#: account is anonymised after everything else.
ERASED_LAST = ("audit", "accounts")


@dataclass(frozen=True)
class Provider:
    label: str
    module: ModuleType

    @property
    def verbose_name(self) -> str:
        return str(apps.get_app_config(self.label).verbose_name)

    def personal_data(self, user) -> dict[str, Any]:
        return self.module.personal_data(user)

    def summary(self, user) -> dict[str, Any] | None:
        """What the page lists: the app's own cheap summary when it has one (keys as in
        personal_data, values counted), else None (count the personal data)."""
        summary = getattr(self.module, "summary", None)
        return summary(user) if summary else None

    def files(self, user) -> list[tuple[str, Any]]:
        files = getattr(self.module, "files", None)
        return list(files(user)) if files else []

    def erasure_blockers(self, user) -> list[str]:
        blockers = getattr(self.module, "erasure_blockers", None)
        return [str(reason) for reason in blockers(user)] if blockers else []

    def erase(self, user) -> None:
        erase = getattr(self.module, "erase", None)
        if erase is not None:
            erase(user)


@functools.cache
def providers() -> tuple[Provider, ...]:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("qme."):
            continue
        name = f"{config.name}.privacy"
        if importlib.util.find_spec(name) is None:
            continue
        found.append(Provider(label=config.label, module=importlib.import_module(name)))
    return tuple(found)


def erasure_order() -> list[Provider]:
    def rank(provider: Provider) -> int:
        return ERASED_LAST.index(provider.label) + 1 if provider.label in ERASED_LAST else 0

    return sorted(providers(), key=rank)
