"""The programme office writes the public texts of a position, publishes it, and closes,
extends, cancels or reopens it: each an explicit action with a recorded reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qme.audit.models import AuditEvent
from qme.core.errors import ActionRefused
from qme.positions import services
from qme.positions.models import Position, PositionStatus
from tests.helpers import api, page_text

from .factories import approved_position, position_in
from .helpers import link_in, messages_of, snapshot


def _today() -> dt.date:
    return timezone.localdate()


def _texts(position: Position, **overrides) -> dict:
    data = {
        "title_nl": "Gesloten-lusbeademing voor te vroeg geboren kinderen",
        "title_en": "Closed-loop ventilation for premature infants",
        "description_nl": "Je ontwerpt een regelaar voor de beademing.",
        "description_en": "You design a controller for the ventilator.",
        "requirements_nl": "Ervaring met regeltechniek.",
        "requirements_en": "Experience with control engineering.",
        "start_date": position.start_date.isoformat(),
        "application_deadline": position.application_deadline.isoformat(),
        "contact_name": "",
        "contact_email": "",
    }
    data.update(overrides)
    return data


class TestEditingTexts:
    def test_it_saves_the_dutch_and_english_texts(self, world, client_for):
        position = approved_position(world)
        client = client_for(world.office)
        assert client.get(f"/manage/positions/{position.pk}/edit/").status_code == 200
        response = client.post(f"/manage/positions/{position.pk}/edit/", _texts(position))
        assert response.status_code == 302
        position.refresh_from_db()
        assert position.title_nl == "Gesloten-lusbeademing voor te vroeg geboren kinderen"
        assert position.description_en == "You design a controller for the ventilator."
        assert position.requirements_nl == "Ervaring met regeltechniek."
        event = AuditEvent.objects.get(action="position.updated")
        assert set(event.data["fields"]) >= {"title_nl", "description_en", "requirements_nl"}
        text = page_text(client.get(f"/manage/positions/{position.pk}/"))
        assert "Gesloten-lusbeademing" in text
        assert "Closed-loop ventilation" in text

    def test_it_refuses_a_deadline_after_the_start(self, world, client_for):
        position = approved_position(world)
        before = snapshot()
        response = client_for(world.office).post(
            f"/manage/positions/{position.pk}/edit/",
            _texts(
                position,
                application_deadline=(position.start_date + dt.timedelta(days=1)).isoformat(),
            ),
        )
        assert response.status_code == 200
        assert "application_deadline" in response.context["form"].errors
        assert snapshot() == before

    def test_it_keeps_the_deadline_of_a_published_position_for_extend(self, world, client_for):
        position = position_in(world, "open")
        deadline = position.application_deadline
        client_for(world.office).post(
            f"/manage/positions/{position.pk}/edit/",
            _texts(position, application_deadline="2099-01-01", title_en="Renamed"),
        )
        position.refresh_from_db()
        assert position.title_en == "Renamed"
        assert position.application_deadline == deadline
        response = api(
            client_for(world.office),
            "patch",
            f"positions/{position.pk}",
            {"application_deadline": (deadline + dt.timedelta(days=1)).isoformat()},
        )
        assert response.status_code == 409
        assert response.json()["code"] == "use_extend"

    @pytest.mark.parametrize("status", ["filled", "cancelled"])
    def test_it_refuses_to_edit_a_finished_position(self, world, client_for, status):
        position = position_in(world, status)
        before = snapshot()
        response = client_for(world.office).post(
            f"/manage/positions/{position.pk}/edit/", _texts(position, title_en="Too late")
        )
        assert response.status_code == 200
        assert "A filled or cancelled position cannot be changed." in page_text(response)
        assert snapshot() == before

    @pytest.mark.parametrize("persona", ["coordinator_a", "doctor_a", "university_supervisor"])
    def test_it_lets_only_the_office_manage(self, world, client_for, persona):
        position = approved_position(world)
        client = client_for(getattr(world, persona))
        before = snapshot()
        for action in ("edit", "publish", "close", "extend", "cancel", "reopen"):
            response = client.post(
                f"/manage/positions/{position.pk}/{action}/", _texts(position, reason="x")
            )
            assert response.status_code in (403, 404), action
        response = api(client, "post", f"positions/{position.pk}/publish")
        assert response.status_code in (403, 404)
        assert snapshot() == before


class TestPublishing:
    def test_it_publishes_and_tells_the_coordinator(self, world, client_for, emails):
        position = approved_position(world)
        with emails() as sent:
            response = client_for(world.office).post(
                f"/manage/positions/{position.pk}/publish/", follow=True
            )
        assert messages_of(response) == ["The position is published and open for applications."]
        position.refresh_from_db()
        assert position.status == PositionStatus.OPEN
        assert position.published_at is not None
        assert AuditEvent.objects.filter(action="position.published").count() == 1
        [message] = sent
        assert message.to == ["cora@example.org"]
        assert link_in(message) == f"/positions/{position.pk}/"

    def test_it_refuses_to_publish_after_the_deadline(self, world, time_machine):
        position = approved_position(world)
        time_machine.move_to(
            dt.datetime.combine(
                position.application_deadline + dt.timedelta(days=1),
                dt.time(12),
                tzinfo=timezone.get_current_timezone(),
            )
        )
        before = snapshot()
        with pytest.raises(ActionRefused, match="deadline has passed"):
            services.publish_position(actor=world.office, position=position)
        assert snapshot() == before


class TestStatusActions:
    def test_it_closes_early_with_a_reason(self, world, client_for, emails):
        position = position_in(world, "open")
        client = client_for(world.office)
        assert client.get(f"/manage/positions/{position.pk}/close/").status_code == 200
        with emails() as sent:
            response = client.post(
                f"/manage/positions/{position.pk}/close/", {"reason": "Enough applicants."}
            )
        assert response.status_code == 302
        position.refresh_from_db()
        assert position.status == PositionStatus.SELECTION
        assert position.status_reason == "Enough applicants."
        event = AuditEvent.objects.get(action="position.closed")
        assert (event.actor, event.reason) == (world.office, "Enough applicants.")
        assert [m.to for m in sent] == [["cora@example.org"]]
        assert client_for(world.coordinator_a).get(link_in(sent[0])).status_code == 200

    def test_it_extends_the_deadline(self, world, client_for):
        position = position_in(world, "open")
        old = position.application_deadline
        new = old + dt.timedelta(days=7)
        response = client_for(world.office).post(
            f"/manage/positions/{position.pk}/extend/",
            {"deadline": new.isoformat(), "reason": "Few applicants yet."},
        )
        assert response.status_code == 302
        position.refresh_from_db()
        assert position.application_deadline == new
        event = AuditEvent.objects.get(action="position.deadline_extended")
        assert event.reason == "Few applicants yet."
        assert event.data == {"from": old.isoformat(), "to": new.isoformat()}

    @pytest.mark.parametrize(
        ("days", "message"),
        [
            (0, "later than the current one"),
            (-3, "later than the current one"),
            (None, "before the start date"),
        ],
    )
    def test_it_refuses_a_deadline_not_later_or_after_the_start(
        self, world, client_for, days, message
    ):
        position = position_in(world, "open")
        if days is None:
            deadline = position.start_date + dt.timedelta(days=1)
        else:
            deadline = position.application_deadline + dt.timedelta(days=days)
        before = snapshot()
        response = client_for(world.office).post(
            f"/manage/positions/{position.pk}/extend/",
            {"deadline": deadline.isoformat(), "reason": "x"},
        )
        assert response.status_code == 200
        assert message in page_text(response)
        response = api(
            client_for(world.office),
            "post",
            f"positions/{position.pk}/extend-deadline",
            {"deadline": deadline.isoformat(), "reason": "x"},
        )
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"][-1] == "deadline"
        assert snapshot() == before

    def test_it_cancels_with_reasons(self, world, client_for, emails):
        position = position_in(world, "open")
        with emails() as sent:
            response = client_for(world.office).post(
                f"/manage/positions/{position.pk}/cancel/", {"reason": "Funding fell through."}
            )
        assert response.status_code == 302
        position.refresh_from_db()
        assert position.status == PositionStatus.CANCELLED
        assert AuditEvent.objects.get(action="position.cancelled").reason == (
            "Funding fell through."
        )
        assert len(sent) == 1
        assert "Funding fell through." in sent[0].body

    @pytest.mark.parametrize("action", ["close", "cancel", "extend", "reopen"])
    @pytest.mark.parametrize("reason", ["", "   "])
    def test_it_needs_a_reason(self, world, client_for, action, reason):
        position = position_in(world, "selection" if action == "reopen" else "open")
        deadline = (position.application_deadline + dt.timedelta(days=3)).isoformat()
        before = snapshot()
        response = client_for(world.office).post(
            f"/manage/positions/{position.pk}/{action}/", {"reason": reason, "deadline": deadline}
        )
        assert response.status_code == 200
        assert "reason" in response.context["form"].errors
        assert snapshot() == before

    @pytest.mark.parametrize("status", ["selection", "cancelled"])
    def test_it_reopens_with_a_new_deadline_and_a_reason(self, world, client_for, status):
        position = position_in(world, status)
        deadline = _today() + dt.timedelta(days=20)
        client = client_for(world.office)
        assert client.get(f"/manage/positions/{position.pk}/reopen/").status_code == 200
        response = client.post(
            f"/manage/positions/{position.pk}/reopen/",
            {"deadline": deadline.isoformat(), "reason": "The chosen candidate withdrew."},
        )
        assert response.status_code == 302
        position.refresh_from_db()
        assert position.status == PositionStatus.OPEN
        assert position.application_deadline == deadline
        assert position.published_at is not None
        event = AuditEvent.objects.get(action="position.reopened")
        assert event.reason == "The chosen candidate withdrew."
        assert event.data == {"deadline": deadline.isoformat()}

    def test_it_refuses_to_reopen_with_a_deadline_in_the_past(self, world, client_for):
        position = position_in(world, "selection")
        before = snapshot()
        response = client_for(world.office).post(
            f"/manage/positions/{position.pk}/reopen/",
            {"deadline": (_today() - dt.timedelta(days=1)).isoformat(), "reason": "x"},
        )
        assert response.status_code == 200
        assert "today or later" in page_text(response)
        assert snapshot() == before

    def test_it_records_the_whole_life_of_a_position(self, world, client_for):
        position = position_in(world, "open")
        client = client_for(world.office)
        later = position.application_deadline + dt.timedelta(days=2)
        client.post(
            f"/manage/positions/{position.pk}/extend/",
            {"deadline": later.isoformat(), "reason": "More time."},
        )
        client.post(f"/manage/positions/{position.pk}/close/", {"reason": "Early."})
        client.post(
            f"/manage/positions/{position.pk}/reopen/",
            {"deadline": later.isoformat(), "reason": "Again."},
        )
        client.post(f"/manage/positions/{position.pk}/cancel/", {"reason": "Stopped."})
        trail = list(
            AuditEvent.objects.filter(target_id=str(position.pk), action__startswith="position.")
            .order_by("occurred_at", "id")
            .values_list("action", "reason", "actor")
        )
        assert trail == [
            ("position.published", "", world.office.pk),
            ("position.deadline_extended", "More time.", world.office.pk),
            ("position.closed", "Early.", world.office.pk),
            ("position.reopened", "Again.", world.office.pk),
            ("position.cancelled", "Stopped.", world.office.pk),
        ]


class TestCoordinatorsView:
    def test_it_shows_the_coordinator_her_positions_without_actions(self, world, client_for):
        position = position_in(world, "open")
        other = approved_position(world, hospital=world.hospital_b, title="B's position")
        client = client_for(world.coordinator_a)
        listing = client.get("/manage/positions/")
        assert [p.pk for p in listing.context["page"].object_list] == [position.pk]
        detail = client.get(f"/manage/positions/{position.pk}/")
        assert detail.status_code == 200
        assert "Close early" not in page_text(detail)
        assert client.get(f"/manage/positions/{other.pk}/").status_code == 404
