"""E-mail leaves through the task queue, and a failed delivery is retried, never lost silently."""

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django_tasks_db.models import DBTaskResult

from qme.core.tasks import RETRY_DELAYS, deliver_email


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server down")


MESSAGE = {"subject": "Hello", "body": "Body", "to": ["someone@example.org"]}


def test_it_delivers_a_message(db):
    deliver_email.call(**MESSAGE)
    assert [m.subject for m in mail.outbox] == ["Hello"]


def test_it_queues_a_retry_when_delivery_fails(db, settings):
    settings.EMAIL_BACKEND = "tests.core.test_email_delivery.BrokenBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with pytest.raises(ConnectionRefusedError):
        deliver_email.call(**MESSAGE)
    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after is not None


def test_it_gives_up_after_the_last_retry(db, settings):
    settings.EMAIL_BACKEND = "tests.core.test_email_delivery.BrokenBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with pytest.raises(ConnectionRefusedError):
        deliver_email.call(**MESSAGE, attempt=len(RETRY_DELAYS) + 1)
    assert not DBTaskResult.objects.exists()


def test_it_refuses_the_demo_secret_key_in_a_deploy_check(settings):
    from qme.core.checks import check_secret_key_is_not_the_demo_key

    settings.SECRET_KEY = "demo-only-insecure-key-set-QME_SECRET_KEY-in-production"
    assert [e.id for e in check_secret_key_is_not_the_demo_key(None)] == ["qme.E001"]
    settings.SECRET_KEY = "x" * 60
    assert check_secret_key_is_not_the_demo_key(None) == []


def test_it_carries_a_binary_attachment_through_the_queue(
    db, settings, django_capture_on_commit_callbacks
):
    from qme.core.mail import queue_email

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    pdf = b"%PDF-1.7\n\x00\xff binary"
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(
            to="someone@example.org",
            template="invitation",
            context={},
            attachments=[
                ("diploma.pdf", pdf, "application/pdf"),
                ("a.json", "{}", "application/json"),
            ],
        )
    stored = DBTaskResult.objects.get()
    deliver_email.call(**stored.args_kwargs["kwargs"])
    (message,) = mail.outbox
    assert message.attachments[0] == ("diploma.pdf", pdf, "application/pdf")
    assert message.attachments[1] == ("a.json", "{}", "application/json")
