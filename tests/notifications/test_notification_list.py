"""The in-app list: newest first, unread marked, paginated; mark one (htmx) or all read; opening
one marks it read; only one's own; the unread count in the header."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from qme.notifications.models import Notification


def test_it_lists_a_persons_notifications_newest_first_with_unread_marked(
    world, notify, client_for
):
    notify(world.supervisor_a, item="First item")
    notify(world.supervisor_a, item="Second item")
    response = client_for(world.supervisor_a).get(reverse("notifications:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Second item") < html.index("First item")
    assert html.count('class="notification unread"') == 2


def test_it_shows_the_title_in_the_recipients_language(world, notify, client_for):
    world.supervisor_a.language = "en"
    world.supervisor_a.save()
    world.doctor_a.language = "nl"
    world.doctor_a.save()
    notify(world.supervisor_a, world.doctor_a)
    english = Notification.objects.get(recipient=world.supervisor_a)
    dutch = Notification.objects.get(recipient=world.doctor_a)
    assert english.title != dutch.title
    assert "Clinical project ICU" in english.title
    assert "Clinical project ICU" in dutch.title
    assert "asks you to sign it off" in english.text
    assert "Dear" not in english.text
    assert "http" not in english.text


def test_it_paginates(world, notify, client_for):
    for n in range(30):
        notify(world.supervisor_a, item=f"Item {n:02d}")
    client = client_for(world.supervisor_a)
    first = client.get(reverse("notifications:list")).content.decode()
    second = client.get(reverse("notifications:list") + "?page=2").content.decode()
    assert "Item 29" in first
    assert "Item 00" not in first
    assert "Item 00" in second
    assert "Item 29" not in second


def test_it_marks_one_read_with_htmx_and_updates_the_header(world, notify, client_for):
    (notification,) = notify(world.supervisor_a)
    notify(world.supervisor_a, item="Another")
    client = client_for(world.supervisor_a)
    response = client.post(
        reverse("notifications:read", args=[notification.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="notification-{notification.pk}"' in html
    assert "unread" not in html.split('id="notifications-link"')[0]
    assert 'hx-swap-oob="true"' in html
    assert ">1</span>" in html
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_it_marks_one_read_without_javascript(world, notify, client_for):
    (notification,) = notify(world.supervisor_a)
    response = client_for(world.supervisor_a).post(
        reverse("notifications:read", args=[notification.pk])
    )
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_marking_read_twice_keeps_the_first_time(world, notify, client_for):
    (notification,) = notify(world.supervisor_a)
    client = client_for(world.supervisor_a)
    client.post(reverse("notifications:read", args=[notification.pk]))
    notification.refresh_from_db()
    first = notification.read_at
    client.post(reverse("notifications:read", args=[notification.pk]))
    notification.refresh_from_db()
    assert notification.read_at == first


def test_it_marks_all_read_and_only_ones_own(world, notify, client_for):
    notify(world.supervisor_a, world.doctor_a)
    notify(world.supervisor_a)
    response = client_for(world.supervisor_a).post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=world.supervisor_a, read_at=None).exists()
    assert Notification.objects.filter(recipient=world.doctor_a, read_at=None).count() == 1


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(world, notify, client_for):
    (notification,) = notify(world.supervisor_a, path="/training/7/")
    response = client_for(world.supervisor_a).get(
        reverse("notifications:open", args=[notification.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == "/training/7/"
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize("name", ["open", "read"])
def test_another_persons_notification_is_not_found(world, notify, client_for, name):
    (notification,) = notify(world.supervisor_a)
    client = client_for(world.doctor_a)
    if name == "open":
        response = client.get(reverse("notifications:open", args=[notification.pk]))
    else:
        response = client.post(reverse("notifications:read", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_the_list_shows_none_of_another_persons_notifications(world, notify, client_for):
    notify(world.doctor_a, item="Only for Dirk")
    html = client_for(world.supervisor_a).get(reverse("notifications:list")).content.decode()
    assert "Only for Dirk" not in html


@pytest.mark.parametrize(
    ("method", "name", "args"),
    [
        ("get", "notifications:list", []),
        ("get", "notifications:open", [1]),
        ("post", "notifications:read", [1]),
        ("post", "notifications:read_all", []),
        ("post", "notifications:email_choice", []),
    ],
)
def test_anonymous_people_are_sent_to_sign_in(db, client, method, name, args):
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_marking_read_needs_a_post(world, notify, client_for):
    (notification,) = notify(world.supervisor_a)
    response = client_for(world.supervisor_a).get(
        reverse("notifications:read", args=[notification.pk])
    )
    assert response.status_code == 405


def test_the_header_shows_the_unread_count(world, notify, client_for):
    notify(world.supervisor_a)
    notify(world.supervisor_a)
    client = client_for(world.supervisor_a)
    html = client.get(reverse("home")).content.decode()
    assert 'id="notifications-link"' in html
    assert '<span class="count-badge" aria-hidden="true">2</span>' in html
    client.post(reverse("notifications:read_all"))
    html = client.get(reverse("home")).content.decode()
    assert "count-badge" not in html


def test_the_list_and_the_header_count_cost_the_same_queries_with_many(
    world, notify, client_for, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    notify(world.supervisor_a)
    client = client_for(world.supervisor_a)
    client.get(reverse("notifications:list"))
    cache.clear()  # the whole cost: nothing kept (the unread count is kept per person)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notifications:list"))
    assert len(few.captured_queries) <= 20
    Notification.objects.bulk_create(
        Notification(recipient=world.supervisor_a, kind="x", title=f"T{n}", link="/")
        for n in range(60)
    )
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert response.content.decode().count('class="notification unread"') == 25


def test_the_header_count_is_one_query(world, notify, rf):
    from django.template import Context, Template

    notify(world.supervisor_a)
    request = rf.get("/")
    request.user = world.supervisor_a
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        html = Template("{% load notifications %}{% notifications_link %}").render(
            Context({"request": request})
        )
    assert len(queries.captured_queries) == 1
    assert ">1</span>" in html


def test_the_api_lists_only_ones_own_and_marks_read(world, notify, client_for):
    (mine,) = notify(world.supervisor_a)
    (theirs,) = notify(world.doctor_a)
    client = client_for(world.supervisor_a)
    listed = client.get("/api/v1/notifications").json()
    assert [n["id"] for n in listed["items"]] == [mine.pk]
    assert listed["items"][0]["link"] == "/training/1/"
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 1}
    assert client.get(f"/api/v1/notifications/{theirs.pk}").status_code == 404
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read").status_code == 404
    response = client.post(f"/api/v1/notifications/{mine.pk}/read")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    assert client.get("/api/v1/notifications?unread=true").json()["items"] == []
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_api_marks_all_read(world, notify, client_for):
    notify(world.supervisor_a)
    notify(world.supervisor_a)
    client = client_for(world.supervisor_a)
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 2}
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 0}


def test_the_api_needs_sign_in(db, client):
    assert client.get("/api/v1/notifications").status_code == 401


def test_the_short_text_is_the_message_without_greeting_link_and_signature(world, notify):
    world.supervisor_a.language = "en"
    world.supervisor_a.save()
    (notification,) = notify(world.supervisor_a, item="Statistics")
    assert notification.text.startswith("Tim Trainee has completed “Statistics”")
    assert "with a comment). The link itself signs nothing" in notification.text
    assert "QME Programme Office" not in notification.text
    assert len(notification.text) <= 300
