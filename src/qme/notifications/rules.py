"""Who sees what of notifications: each person only their own; the programme office alone sees
the e-mail deliveries and retries failed ones."""

from __future__ import annotations

import rules

from qme.organisations.rules import is_programme_office


@rules.predicate
def is_recipient(user, notification) -> bool:
    return (
        notification is not None and user.is_authenticated and notification.recipient_id == user.pk
    )


rules.add_perm("notifications.view_notification", is_recipient)
rules.add_perm("notifications.view_deliveries", is_programme_office)
rules.add_perm("notifications.retry_delivery", is_programme_office)
