"""System checks of our own: `qme check --deploy` refuses the demo's secret key."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

DEMO_SECRET_KEY_PREFIX = "demo-only-insecure-key"  # noqa: S105 - the public demo key, refused here


@register(Tags.security, deploy=True)
def check_secret_key_is_not_the_demo_key(app_configs, **kwargs) -> list[Error]:
    if settings.SECRET_KEY.startswith(DEMO_SECRET_KEY_PREFIX):
        return [
            Error(
                "QME_SECRET_KEY is not set: the demo's public key is in use.",
                hint="Set QME_SECRET_KEY to a long random value (docs/deployment.md).",
                id="qme.E001",
            )
        ]
    return []
