"""A trainee is told of new feedback by the worker's job `feedback-notices` (every minute): giving
feedback writes the entry, its competencies and its audit event, and nothing else, so the person
giving it does not wait for notifications and e-mails to be written. The job tells each trainee
once, in their language, as they chose (now or in the digest), and never twice."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from qme.feedback import services
from qme.feedback.models import Feedback
from qme.notifications.models import EmailDelivery, Notification, NotificationSettings

from .helpers import give, traineeship_for


def test_giving_feedback_writes_no_notification_e_mail_or_task(world, traineeship, emails):
    with emails() as sent:
        feedback = give(world.supervisor_a, traineeship)
    assert sent == []
    assert not Notification.objects.exists()
    assert not EmailDelivery.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert Feedback.objects.get(pk=feedback.pk).notice_pending is True


def test_the_job_tells_the_trainee_once_in_their_language(world, traineeship, emails):
    world.trainee_a.language = "nl"
    world.trainee_a.save(update_fields=["language"])
    give(world.supervisor_a, traineeship)
    with emails() as sent:
        assert services.send_feedback_notices() == 1
    notification = Notification.objects.get()
    assert notification.recipient == world.trainee_a
    assert notification.kind == "feedback_given"
    assert notification.link == f"/feedback/{traineeship.pk}/"
    assert [m.to for m in sent] == [[world.trainee_a.email]]
    assert "Nieuwe feedback van Sara Supervisor" in sent[0].subject
    assert f"/feedback/{traineeship.pk}/" in sent[0].body
    assert not Feedback.objects.filter(notice_pending=True).exists()

    with emails() as again:
        assert services.send_feedback_notices() == 0
    assert again == []
    assert Notification.objects.count() == 1


def test_each_entry_is_one_notification_for_its_own_trainee(world, emails):
    first = traineeship_for(world, world.trainee_a)
    other_trainee = world.applicant
    second = traineeship_for(world, other_trainee)
    give(world.supervisor_a, first)
    give(world.university_supervisor, first)
    give(world.supervisor_a, second)
    with emails() as sent:
        assert services.send_feedback_notices() == 3
    assert sorted(n.recipient.pk for n in Notification.objects.all()) == sorted(
        [world.trainee_a.pk, world.trainee_a.pk, other_trainee.pk]
    )
    assert len(sent) == 3


def test_a_trainee_who_chose_the_digest_gets_it_there(world, traineeship, emails):
    NotificationSettings.objects.create(user=world.trainee_a, email="digest")
    give(world.supervisor_a, traineeship)
    with emails() as sent:
        services.send_feedback_notices()
    assert sent == []
    notification = Notification.objects.get()
    assert notification.in_digest is True
    assert notification.emailed_at is None


def test_a_failed_run_changes_nothing_and_the_next_run_tells_them(
    world, traineeship, emails, monkeypatch
):
    give(world.supervisor_a, traineeship)

    def broken(*args, **kwargs):
        raise RuntimeError("the template could not be rendered")

    monkeypatch.setattr(services, "notify_people", broken)
    with pytest.raises(RuntimeError):
        services.send_feedback_notices()
    assert not Notification.objects.exists()
    assert Feedback.objects.filter(notice_pending=True).count() == 1

    monkeypatch.undo()
    with emails() as sent:
        assert services.send_feedback_notices() == 1
    assert len(sent) == 1


def test_it_works_through_many_entries_in_batches_with_a_bounded_number_of_queries(
    world, traineeship, monkeypatch
):
    monkeypatch.setattr(services, "NOTICE_BATCH", 3)
    for _ in range(7):
        give(world.supervisor_a, traineeship)
    with CaptureQueriesContext(connection) as queries:
        assert services.send_feedback_notices() == 7
    assert Notification.objects.count() == 7
    # The entries come with their author and trainee (no query per entry for either); per
    # entry, the trainee's e-mail choice, the e-mail and the notification are written.
    people = [q["sql"] for q in queries.captured_queries if 'FROM "accounts_user"' in q["sql"]]
    assert people == []
    batches = [q for q in queries.captured_queries if "notice_pending" in q["sql"]]
    assert len(batches) == 3 + 3, "each of three batches is taken, then cleared"
    assert len(queries) <= 3 * 2 + 7 * 3 + 2 * 3 + 2, [q["sql"][:80] for q in queries]


def test_the_worker_task_runs_the_job(world, traineeship):
    from qme.feedback.tasks import send_feedback_notices

    give(world.supervisor_a, traineeship)
    result = send_feedback_notices.enqueue()
    assert result.return_value == 1
    assert Notification.objects.filter(recipient=world.trainee_a).count() == 1
