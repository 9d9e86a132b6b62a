"""Each person chooses an e-mail per notification (the default) or one daily digest; the digest
lists every notification not yet e-mailed, in the person's language, and nothing twice."""

from __future__ import annotations

from unittest import mock

from django.core import mail
from django.urls import reverse

from qme.core.mail import notify_people
from qme.notifications import services
from qme.notifications.models import EmailChoice, Notification, NotificationSettings
from qme.notifications.tasks import send_digests


def digest(world, person):
    NotificationSettings.objects.update_or_create(
        user=person, defaults={"email": EmailChoice.DIGEST}
    )


def test_by_default_each_notification_is_emailed_at_once_with_its_link(world, notify):
    world.supervisor_a.language = "en"
    world.supervisor_a.save()
    (notification,) = notify(world.supervisor_a, path="/training/records/5/")
    (message,) = mail.outbox
    assert message.to == ["sara@example.org"]
    assert "http://testserver/training/records/5/" in message.body or (
        "/training/records/5/" in message.body
    )
    assert notification.email is not None
    assert notification.emailed_at is not None
    assert notification.in_digest is False


def test_a_person_who_chose_the_digest_gets_no_email_per_event(world, notify):
    digest(world, world.supervisor_a)
    (notification,) = notify(world.supervisor_a, world.doctor_a)[:1]
    assert [m.to for m in mail.outbox] == [["dirk@example.org"]]
    notification.refresh_from_db()
    assert notification.in_digest
    assert notification.emailed_at is None


def test_the_digest_job_sends_one_email_per_person_with_all_their_notifications(
    world, notify, emails
):
    digest(world, world.supervisor_a)
    digest(world, world.university_supervisor)
    world.supervisor_a.language = "en"
    world.supervisor_a.save()
    world.university_supervisor.language = "nl"
    world.university_supervisor.save()
    notify(world.supervisor_a, item="Course A", path="/training/records/1/")
    notify(world.supervisor_a, item="Course B", path="/training/records/2/")
    notify(world.university_supervisor, item="Course C", path="/training/records/3/")
    assert mail.outbox == []
    with emails() as sent:
        assert send_digests.call() == 2
    by_address = {m.to[0]: m for m in sent}
    assert set(by_address) == {"sara@example.org", "ulla@example.org"}
    sara = by_address["sara@example.org"]
    assert "Course A" in sara.body
    assert "Course B" in sara.body
    assert "Course C" not in sara.body
    assert "/training/records/1/" in sara.body
    assert "/training/records/2/" in sara.body
    assert "daily e-mail" in sara.body
    assert "2 new" in sara.subject
    ulla = by_address["ulla@example.org"]
    assert "Course C" in ulla.body
    assert "Course A" not in ulla.body
    # Her notifications in her language (Dutch), not in Sara's.
    ulla_title = Notification.objects.get(recipient=world.university_supervisor).title
    sara_titles = set(
        Notification.objects.filter(recipient=world.supervisor_a).values_list("title", flat=True)
    )
    assert ulla_title in ulla.body
    assert ulla_title.startswith("Graag aftekenen")
    assert ulla_title.replace("Course C", "Course A") not in sara_titles
    assert not Notification.objects.filter(emailed_at=None).exists()


def test_the_digest_sends_nothing_twice(world, notify, emails):
    digest(world, world.supervisor_a)
    notify(world.supervisor_a, item="Course A")
    with emails() as first:
        send_digests.call()
    with emails() as second:
        assert send_digests.call() == 0
    assert len(first) == 1
    assert second == []


def test_the_next_digest_lists_only_what_came_after_the_last(world, notify, emails):
    digest(world, world.supervisor_a)
    notify(world.supervisor_a, item="Course A")
    with emails():
        send_digests.call()
    notify(world.supervisor_a, item="Course B")
    with emails() as sent:
        send_digests.call()
    (message,) = sent
    assert "Course B" in message.body
    assert "Course A" not in message.body


def test_a_notification_arriving_while_the_digest_is_built_waits_for_the_next(
    world, notify, emails
):
    """The boundary: nothing is skipped, even what arrives during the job."""
    digest(world, world.supervisor_a)
    notify(world.supervisor_a, item="Course A")
    real_render = services.render_email

    def render_and_meanwhile_notify(*args, **kwargs):
        notify_people(
            [world.supervisor_a],
            "sign_off_requested",
            {"trainee": "Tim", "item": "Course B", "ec": 5, "completed_on": "today"},
            link="/training/",
        )
        return real_render(*args, **kwargs)

    with emails() as sent, mock.patch.object(services, "render_email", render_and_meanwhile_notify):
        send_digests.call()
    (message,) = sent
    assert "Course A" in message.body
    assert "Course B" not in message.body
    assert Notification.objects.get(title__contains="Course B").emailed_at is None
    with emails() as sent:
        send_digests.call()
    (message,) = sent
    assert "Course B" in message.body
    assert "Course A" not in message.body


def test_switching_back_to_immediate_still_sends_what_waited_for_the_digest(world, notify, emails):
    digest(world, world.supervisor_a)
    notify(world.supervisor_a, item="Course A")
    services.set_email_choice(actor=world.supervisor_a, choice=EmailChoice.IMMEDIATE)
    notify(world.supervisor_a, item="Course B")
    assert len(mail.outbox) == 1
    assert "Course B" in mail.outbox[0].body
    with emails() as sent:
        send_digests.call()
    (message,) = sent
    assert "Course A" in message.body
    assert "Course B" not in message.body


def test_a_message_with_attachments_is_emailed_at_once_even_for_the_digest(world, emails):
    digest(world, world.trainee_a)
    with emails() as sent:
        notify_people(
            [world.trainee_a],
            "diploma_issued",
            {"number": "QME-2026-0001"},
            link="/diplomas/QME-2026-0001/",
            attachments=[("credential.json", "{}", "application/ld+json")],
        )
    (message,) = sent
    assert message.attachments[0][0] == "credential.json"


def test_the_digest_job_is_scheduled_daily(db):
    import datetime as dt

    from qme.core.schedule import JOBS

    (job,) = [j for j in JOBS if j.name == "notification-digest"]
    assert job.every == dt.timedelta(hours=24)
    assert job.task() is send_digests


def test_a_person_sets_their_choice_on_the_profile_page(world, client_for):
    client = client_for(world.supervisor_a)
    profile = client.get(reverse("profile")).content.decode()
    assert 'name="email" value="digest"' in profile
    response = client.post(
        reverse("notifications:email_choice"), {"email": "digest", "next": reverse("profile")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
    assert services.email_choice(world.supervisor_a) == EmailChoice.DIGEST
    profile = client.get(reverse("profile")).content.decode()
    assert 'value="digest" checked' in profile


def test_an_unknown_choice_is_refused_and_changes_nothing(world, client_for):
    client = client_for(world.supervisor_a)
    response = client.post(reverse("notifications:email_choice"), {"email": "hourly"}, follow=True)
    assert response.status_code == 200
    assert "Choose how you want to receive e-mail." in response.content.decode() or (
        "Kies" in response.content.decode()
    )
    assert not NotificationSettings.objects.exists()


def test_the_choice_does_not_redirect_elsewhere(world, client_for):
    response = client_for(world.supervisor_a).post(
        reverse("notifications:email_choice"),
        {"email": "digest", "next": "https://evil.example.org/"},
    )
    assert response["Location"] == reverse("notifications:list")


def test_the_api_reads_and_sets_the_choice(world, client_for):
    client = client_for(world.supervisor_a)
    assert client.get("/api/v1/notifications/email-choice").json() == {"email": "immediate"}
    response = client.put(
        "/api/v1/notifications/email-choice", {"email": "digest"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json() == {"email": "digest"}
    bad = client.put(
        "/api/v1/notifications/email-choice", {"email": "weekly"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert services.email_choice(world.supervisor_a) == EmailChoice.DIGEST
