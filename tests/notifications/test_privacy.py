"""What the notifications app holds about a person, and erasing it."""

from __future__ import annotations

import json

from qme.core.mail import queue_email
from qme.notifications import privacy, services
from qme.notifications.models import EmailAttachment, EmailDelivery, Notification


def test_it_gives_a_person_everything_it_holds_about_them(world, notify, emails):
    services.set_email_choice(actor=world.supervisor_a, choice="digest")
    notify(world.supervisor_a, item="Course A")
    services.set_email_choice(actor=world.supervisor_a, choice="immediate")
    notify(world.supervisor_a, item="Course B")
    notify(world.doctor_a, item="For Dirk")
    data = privacy.personal_data(world.supervisor_a)
    json.dumps(data)  # serialisable
    assert data["email_choice"] == "immediate"
    assert sorted(n["title"] for n in data["notifications"]) == sorted(
        Notification.objects.filter(recipient=world.supervisor_a).values_list("title", flat=True)
    )
    assert len(data["emails"]) == 1
    assert "Course B" in data["emails"][0]["subject"]
    assert "For Dirk" not in json.dumps(data)


def test_erasing_removes_notifications_choice_emails_and_attachment_files(world, notify, emails):
    services.set_email_choice(actor=world.supervisor_a, choice="immediate")
    notify(world.supervisor_a)
    notify(world.doctor_a)
    with emails():
        queue_email(
            to="SARA@example.org",
            template="invitation",
            context={"path": "/"},
            attachments=[("a.pdf", b"%PDF-1.4", "application/pdf")],
        )
    stored = EmailAttachment.objects.get().file.path
    privacy.erase(world.supervisor_a)
    assert not Notification.objects.filter(recipient=world.supervisor_a).exists()
    assert not EmailDelivery.objects.filter(to__iexact="sara@example.org").exists()
    assert not EmailAttachment.objects.exists()
    import os

    assert not os.path.exists(stored)
    assert privacy.personal_data(world.supervisor_a) == {
        "email_choice": "immediate",
        "notifications": [],
        "emails": [],
    }
    assert Notification.objects.filter(recipient=world.doctor_a).count() == 1
