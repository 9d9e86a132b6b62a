"""Every event that asks something of a person gives them a notification whose link is the
absolute path of the page where they act on it, and that page opens for them."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from qme.core.mail import notify_people
from qme.notifications.models import Notification
from tests.feedback.helpers import give
from tests.positions.factories import submitted_request
from tests.selection.factories import approved_decision, fresh, procedure_for
from tests.training.factories import (
    approved_plan,
    catalogue_for,
    recorded,
    rules_for,
    traineeship_of,
)


def opens_for_its_recipient(notification: Notification, own_client) -> None:
    assert notification.link.startswith("/")
    assert not notification.link.startswith("//")
    client = own_client(notification.recipient)
    response = client.get(f"/notifications/{notification.pk}/open/")
    assert response["Location"] == notification.link
    page = client.get(notification.link)
    assert page.status_code == 200, (notification.kind, notification.link, page.status_code)


def test_a_submitted_request_notifies_the_office_with_the_request_page(world, own_client, emails):
    with emails():
        request = submitted_request(world)
    notification = Notification.objects.get(recipient=world.office, kind="request_submitted")
    assert notification.link == f"/requests/{request.pk}/"
    assert request.title in notification.title
    opens_for_its_recipient(notification, own_client)


def test_a_sign_off_request_notifies_the_supervisor_with_the_record(world, own_client, emails):
    catalogue = catalogue_for()
    rules_for(catalogue)
    traineeship = traineeship_of(world)
    plan = approved_plan(traineeship, catalogue)
    item = plan.items.exclude(kind="clinical_project").first()
    with emails():
        record = recorded(traineeship, item)
    notification = Notification.objects.get(kind="sign_off_requested")
    assert notification.recipient == world.university_supervisor
    assert notification.link == reverse("training:record", args=[record.pk])
    opens_for_its_recipient(notification, own_client)


def test_feedback_given_notifies_the_trainee_with_the_feedback_page(world, own_client, emails):
    from qme.feedback.services import send_feedback_notices
    from tests.feedback_support import traineeship_for

    traineeship = traineeship_for(world)
    with emails():
        give(world.supervisor_a, traineeship)
        send_feedback_notices()
    notification = Notification.objects.get(kind="feedback_given")
    assert notification.recipient == world.trainee_a
    assert notification.link == f"/feedback/{traineeship.pk}/"
    opens_for_its_recipient(notification, own_client)


def test_an_accepted_offer_links_each_person_to_a_page_they_can_open(world, own_client, emails):
    from qme.selection import services as selection
    from qme.selection.models import Offer

    proc = procedure_for(world)
    approved_decision(proc)
    offer = Offer.objects.get()
    with emails():
        selection.respond_to_offer(
            actor=fresh(offer.application.applicant), offer=offer, accept=True
        )
    accepted = list(Notification.objects.filter(kind="offer_accepted"))
    recipients = {n.recipient for n in accepted}
    assert world.office in recipients
    assert world.supervisor_a in recipients
    assert len(recipients) == len(accepted)  # one each
    for notification in accepted:
        opens_for_its_recipient(notification, own_client)


def test_notify_people_refuses_an_event_without_a_page(world):
    import pytest

    for link in (None, "https://elsewhere.example.org/", "//elsewhere.example.org/", "requests/"):
        with pytest.raises(ValueError, match="needs the absolute path"):
            notify_people([world.office], "request_submitted", {"title": "T"}, link=link)
    assert not Notification.objects.exists()


def test_email_to_an_address_without_an_account_stays_email_only(world, emails):
    """An anonymous multisource rater gets the e-mail, and no notification exists."""
    from qme.core.mail import queue_email

    with emails() as sent:
        queue_email(
            to="nurse@example.org",
            template="feedback_request",
            context={"name": "Nina", "trainee": "Tim", "title": "360", "path": "/f/abc/"},
        )
    assert [m.to for m in sent] == [["nurse@example.org"]]
    assert not Notification.objects.exists()


def test_an_inactive_person_is_not_notified(world, emails):
    world.office.is_active = False
    world.office.save()
    with emails():
        created = notify_people(
            [world.office, None], "request_submitted", {"title": "T"}, link="/requests/1/"
        )
    assert created == []
    assert mail.outbox == []
