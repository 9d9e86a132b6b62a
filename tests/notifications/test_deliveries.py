"""Every e-mail is recorded; the worker records each attempt; after the last retry the e-mail is
failed, listed for the programme office (and counted on its home page), and retried on demand,
attachments included. Nobody else sees the list."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from qme.audit.models import AuditEvent
from qme.core.mail import queue_email
from qme.core.tasks import RETRY_DELAYS, deliver_email
from qme.notifications.models import EmailAttachment, EmailDelivery, EmailStatus

BROKEN = "tests.notifications.test_deliveries.BrokenBackend"


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server down")


@pytest.fixture
def failed(world, settings, emails):
    """An e-mail with a binary and a text attachment that failed after every retry."""
    settings.EMAIL_BACKEND = BROKEN
    with emails():
        queue_email(
            to="graduate@example.org",
            template="invitation",
            context={"person": "Gina", "invited_by": "", "path": "/accounts/"},
            attachments=[
                ("diploma.pdf", b"%PDF-1.7\n\x00\xff", "application/pdf"),
                ("credential.json", '{"a": "é"}', "application/ld+json"),
            ],
        )
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return EmailDelivery.objects.get()


def test_a_sent_email_is_recorded_as_sent(world, notify):
    notify(world.supervisor_a)
    delivery = EmailDelivery.objects.get()
    assert delivery.status == EmailStatus.SENT
    assert delivery.attempts == 1
    assert delivery.sent_at is not None
    assert delivery.to == "sara@example.org"
    assert delivery.recipient == world.supervisor_a
    assert delivery.subject == mail.outbox[0].subject


def test_each_failed_attempt_is_recorded_and_retried_later(world, settings, emails):
    settings.EMAIL_BACKEND = BROKEN
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    with emails():
        queue_email(to="x@example.org", template="invitation", context={"path": "/"})
    first = DBTaskResult.objects.get()
    with pytest.raises(ConnectionRefusedError):
        deliver_email.call(**first.args_kwargs["kwargs"])
    delivery = EmailDelivery.objects.get()
    assert delivery.status == EmailStatus.QUEUED
    assert delivery.attempts == 1
    assert "SMTP server down" in delivery.last_error
    retry = DBTaskResult.objects.exclude(pk=first.pk).get()
    assert retry.args_kwargs["kwargs"] == {"delivery": delivery.pk, "attempt": 2}
    assert retry.run_after is not None


def test_after_the_last_retry_the_email_is_failed_not_lost(failed):
    assert failed.status == EmailStatus.FAILED
    assert failed.attempts == len(RETRY_DELAYS) + 1
    assert failed.last_error == "ConnectionRefusedError: SMTP server down"
    assert mail.outbox == []


def test_the_delivery_row_keeps_attachment_names_not_bytes(failed):
    assert [a.name for a in failed.attachments.all()] == ["diploma.pdf", "credential.json"]
    field_names = {f.name for f in EmailDelivery._meta.get_fields()}
    assert not {"attachment_bytes", "content"} & field_names
    assert b"%PDF" not in failed.body.encode()


def test_the_office_sees_failed_emails(world, failed, client_for):
    response = client_for(world.office).get(reverse("notifications:deliveries"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "graduate@example.org" in html
    assert "SMTP server down" in html
    assert "diploma.pdf" in html


def test_the_office_home_page_counts_failed_emails(world, failed, client_for):
    response = client_for(world.office).get(reverse("home"))
    section = next(s for s in response.context["sections"] if s.kind == "email_deliveries")
    assert section.context["failed"] == 1
    assert reverse("notifications:deliveries") in response.content.decode()


@pytest.mark.parametrize("persona", ["coordinator_a", "supervisor_a", "trainee_a", "board_member"])
def test_nobody_else_sees_or_retries_failed_emails(world, failed, client_for, persona):
    client = client_for(getattr(world, persona))
    assert client.get(reverse("notifications:deliveries")).status_code == 403
    assert client.post(reverse("notifications:retry", args=[failed.pk])).status_code == 403
    assert client.post(reverse("notifications:retry_all")).status_code == 403
    assert client.get("/api/v1/email-deliveries/failed").status_code == 403
    assert client.post(f"/api/v1/email-deliveries/{failed.pk}/retry").status_code == 403
    failed.refresh_from_db()
    assert failed.status == EmailStatus.FAILED


def test_anonymous_people_are_sent_to_sign_in(db, client):
    response = client.get(reverse("notifications:deliveries"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_retry_sends_the_email_again_with_its_attachments(
    world, failed, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.office).post(reverse("notifications:retry", args=[failed.pk]))
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["graduate@example.org"]
    assert message.attachments[0] == ("diploma.pdf", b"%PDF-1.7\n\x00\xff", "application/pdf")
    assert message.attachments[1] == ("credential.json", '{"a": "é"}', "application/ld+json")
    failed.refresh_from_db()
    assert failed.status == EmailStatus.SENT
    assert failed.last_error == ""
    assert AuditEvent.objects.filter(action="email.retried").count() == 1


def test_retrying_twice_sends_once(world, failed, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.office)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("notifications:retry", args=[failed.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(reverse("notifications:retry", args=[failed.pk]), follow=True)
    assert len(mail.outbox) == 1
    assert "has not failed" in second.content.decode()


def test_a_retry_that_fails_again_is_failed_again(world, failed, client_for, settings, emails):
    settings.EMAIL_BACKEND = BROKEN
    with emails():
        client_for(world.office).post(reverse("notifications:retry", args=[failed.pk]))
    failed.refresh_from_db()
    assert failed.status == EmailStatus.FAILED
    assert failed.attempts == 2 * (len(RETRY_DELAYS) + 1)


def test_the_office_retries_all_failed_emails(world, failed, client_for, settings, emails):
    settings.EMAIL_BACKEND = BROKEN
    with emails():
        queue_email(to="second@example.org", template="invitation", context={"path": "/"})
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert EmailDelivery.objects.filter(status=EmailStatus.FAILED).count() == 2
    with emails() as sent:
        response = client_for(world.office).post(reverse("notifications:retry_all"), follow=True)
    assert sorted(m.to[0] for m in sent) == ["graduate@example.org", "second@example.org"]
    assert not EmailDelivery.objects.filter(status=EmailStatus.FAILED).exists()
    assert "2 e-mails are queued again." in response.content.decode()


def test_a_missing_delivery_is_not_found(world, client_for):
    response = client_for(world.office).post(reverse("notifications:retry", args=[999999]))
    assert response.status_code == 404


def test_the_api_lists_and_retries_failed_emails(world, failed, client_for, emails):
    client = client_for(world.office)
    listed = client.get("/api/v1/email-deliveries/failed").json()
    assert [d["id"] for d in listed["items"]] == [failed.pk]
    assert listed["items"][0]["attachments"] == ["diploma.pdf", "credential.json"]
    with emails() as sent:
        response = client.post(f"/api/v1/email-deliveries/{failed.pk}/retry")
    assert response.status_code == 200
    assert len(sent) == 1
    again = client.post(f"/api/v1/email-deliveries/{failed.pk}/retry")
    assert again.status_code == 409


def test_an_email_rolled_back_with_its_action_is_neither_recorded_nor_sent(world):
    from django.db import transaction

    def queue_then_fail() -> None:
        with transaction.atomic():
            queue_email(to="x@example.org", template="invitation", context={"path": "/"})
            raise RuntimeError

    with pytest.raises(RuntimeError):
        queue_then_fail()
    assert not EmailDelivery.objects.exists()
    assert not EmailAttachment.objects.exists()


def test_sent_emails_are_pruned_after_a_month_failed_ones_stay(world, notify, failed):
    import datetime as dt

    from django.utils import timezone

    from qme.notifications.services import KEEP_SENT_DAYS, prune_sent
    from qme.notifications.tasks import prune_sent_email

    (notification,) = notify(world.supervisor_a)
    sent = notification.email
    assert prune_sent_email.call() == 0
    later = timezone.now() + dt.timedelta(days=KEEP_SENT_DAYS + 1)
    assert prune_sent(later) == 1
    assert list(EmailDelivery.objects.all()) == [failed]
    notification.refresh_from_db()
    assert notification.email is None
    assert not EmailDelivery.objects.filter(pk=sent.pk).exists()


def test_sign_in_emails_are_recorded_too(world, client, emails):
    with emails() as sent:
        client.post(reverse("account_reset_password"), {"email": world.supervisor_a.email})
    (message,) = sent
    delivery = EmailDelivery.objects.get()
    assert delivery.status == EmailStatus.SENT
    assert delivery.to == world.supervisor_a.email
    assert delivery.recipient == world.supervisor_a
    assert delivery.subject == message.subject


def test_an_email_waiting_longer_than_every_retry_is_flagged_for_the_office(world, client_for):
    import datetime as dt

    from django.utils import timezone

    EmailDelivery.objects.create(
        to="late@example.org",
        subject="Waiting",
        body="…",
        created_at=timezone.now() - dt.timedelta(hours=4),
    )
    EmailDelivery.objects.create(to="fresh@example.org", subject="Just queued", body="…")
    client = client_for(world.office)
    home = client.get(reverse("home"))
    section = next(s for s in home.context["sections"] if s.kind == "email_deliveries")
    assert section.context == {"failed": 0, "stuck": 1}
    assert "is the worker running?" in home.content.decode()
    page = client.get(reverse("notifications:deliveries")).content.decode()
    assert "1 e-mail has been waiting for more than three hours" in page


def test_a_text_attachment_keeps_its_full_content_type_through_a_retry(
    world, settings, client_for, emails
):
    """An interview invitation is text/calendar with method=REQUEST, also when sent again."""
    settings.EMAIL_BACKEND = BROKEN
    ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    with emails():
        queue_email(
            to="anna@example.org",
            template="invitation",
            context={"path": "/"},
            attachments=[("interview.ics", ics, "text/calendar; method=REQUEST")],
        )
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    delivery = EmailDelivery.objects.get()
    with emails() as sent:
        client_for(world.office).post(reverse("notifications:retry", args=[delivery.pk]))
    (message,) = sent
    assert message.attachments == [("interview.ics", ics, "text/calendar; method=REQUEST")]


def test_deleting_a_person_deletes_their_email_records_and_files(world, emails):
    import os

    with emails():
        queue_email(
            to=world.applicant.email,
            template="invitation",
            context={"path": "/"},
            attachments=[("a.pdf", b"%PDF-1.4", "application/pdf")],
            recipient=world.applicant,
        )
    path = EmailAttachment.objects.get().file.path
    world.applicant.delete()
    assert not EmailDelivery.objects.exists()
    assert not os.path.exists(path)
