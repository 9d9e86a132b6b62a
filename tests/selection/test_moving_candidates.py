"""Moving candidates on: shortlist, invite to an interview (the e-mail carries an iCalendar
invitation), reject with a reason; one at a time or many at once. A move that does not fit a
candidate's state is refused for all of them, and nothing changes."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qme.audit.models import AuditEvent
from qme.core.errors import ActionRefused
from qme.selection import services
from qme.selection.models import Application, ApplicationStatus, Interview
from tests.factories import person_with_role

from .factories import fresh, procedure_for, shortlisted
from .helpers import messages_of, snapshot

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def _move(client, proc, action, applications, **data):
    return client.post(
        f"/selection/{proc.position.pk}/move/",
        {"action": action, "applications": [a.pk for a in applications], **data},
        follow=True,
    )


def _statuses(proc) -> list[str]:
    return [Application.objects.get(pk=a.pk).status for a in proc.candidates]


def parse_ics(content: str) -> list[tuple[str, str, str]]:
    """A strict reading of an iCalendar text: CRLF line ends, folded lines of at most 75 octets,
    BEGIN/END nested; returns the (component, name with parameters, value) of each property."""
    assert content.endswith("\r\n")
    raw = content[:-2].split("\r\n")
    for line in raw:
        assert len(line.encode()) <= 75, line
        assert "\n" not in line
        assert "\r" not in line
    lines: list[str] = []
    for line in raw:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    stack: list[str] = []
    properties = []
    for line in lines:
        name, value = _split(line)
        if name == "BEGIN":
            stack.append(value)
        elif name == "END":
            assert stack.pop() == value
        else:
            assert stack, line
            properties.append((stack[-1], name, value))
    assert stack == []
    return properties


def _split(line: str) -> tuple[str, str]:
    """Name (with parameters) and value: at the first colon outside a quoted parameter value."""
    quoted = False
    for i, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return line[:i], line[i + 1 :]
    raise AssertionError(f"no value in {line!r}")


def _unescape(value: str) -> str:
    return value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")


class TestShortlisting:
    def test_it_lets_the_committee_shortlist_many_at_once(self, world, proc, own_client, emails):
        anna, bram, _chloe = proc.candidates
        with emails() as sent:
            response = _move(own_client(proc.hos_member), proc, "shortlist", [anna, bram])
        assert "The candidates have been shortlisted." in messages_of(response)
        assert _statuses(proc) == ["shortlisted", "shortlisted", "submitted"]
        assert sorted(m.to[0] for m in sent) == sorted([anna.applicant.email, bram.applicant.email])
        assert all("Shortlisted" in m.subject for m in sent)
        events = AuditEvent.objects.filter(action="application.shortlisted")
        assert sorted(int(e.target_id) for e in events) == sorted([anna.pk, bram.pk])
        assert {e.actor for e in events} == {proc.hos_member}

    def test_it_lets_the_office_shortlist_one(self, world, proc, own_client):
        response = _move(own_client(world.office), proc, "shortlist", [proc.candidates[2]])
        assert "The candidates have been shortlisted." in messages_of(response)
        assert _statuses(proc) == ["submitted", "submitted", "shortlisted"]

    def test_it_stops_the_whole_move_for_one_candidate_in_the_wrong_state(
        self, world, proc, own_client, emails
    ):
        anna, bram, chloe = proc.candidates
        services.withdraw_application(actor=fresh(chloe.applicant), application=chloe)
        before = snapshot()
        with emails() as sent:
            response = _move(own_client(proc.hos_member), proc, "shortlist", [anna, bram, chloe])
        assert "cannot become" in " ".join(messages_of(response))
        assert snapshot() == before
        assert sent == []


class TestInterviews:
    def test_it_attaches_a_calendar_invitation_at_the_right_time(
        self, world, proc, own_client, emails
    ):
        anna, bram, _chloe = proc.candidates
        shortlisted(proc, anna, bram)
        day = timezone.localdate() + dt.timedelta(days=10)
        local = dt.datetime.combine(day, dt.time(14, 30), tzinfo=AMSTERDAM)
        link = "https://video.example.org/j/123?pwd=" + "a" * 200
        with emails() as sent:
            response = _move(
                own_client(proc.uni_chair),
                proc,
                "interview",
                [anna, bram],
                starts_at=local.strftime("%Y-%m-%dT%H:%M"),
                duration_minutes="45",
                location=link,
            )
        assert "The invitations, with a calendar invitation, have been sent." in messages_of(
            response
        )
        assert _statuses(proc)[:2] == ["interview", "interview"]
        interviews = list(Interview.objects.order_by("application_id"))
        assert [i.application_id for i in interviews] == sorted([anna.pk, bram.pk])
        assert {i.starts_at for i in interviews} == {local}
        assert sorted(m.to[0] for m in sent) == sorted([anna.applicant.email, bram.applicant.email])
        uids = set()
        for message in sent:
            assert "invites you to an interview" in message.body
            assert "45 minutes" in message.body
            assert "14:30" in message.body or "2:30 p.m." in message.body
            [(name, content, mimetype)] = message.attachments
            assert name == "interview.ics"
            assert mimetype.startswith("text/calendar")
            assert "method=REQUEST" in mimetype
            props = parse_ics(content)
            calendar = {n: v for c, n, v in props if c == "VCALENDAR"}
            assert calendar["VERSION"] == "2.0"
            assert calendar["METHOD"] == "REQUEST"
            assert calendar["PRODID"]
            event = {n.split(";")[0]: v for c, n, v in props if c == "VEVENT"}
            start_utc = local.astimezone(dt.UTC)
            assert event["DTSTART"] == start_utc.strftime("%Y%m%dT%H%M%SZ")
            assert event["DTEND"] == (start_utc + dt.timedelta(minutes=45)).strftime(
                "%Y%m%dT%H%M%SZ"
            )
            assert _unescape(event["LOCATION"]) == link
            assert (
                "VEVENT",
                'ORGANIZER;CN="Ulla University"',
                "mailto:noreply@qme.example",
            ) in props
            assert event["DTSTAMP"].endswith("Z")
            uids.add(event["UID"])
        assert len(uids) == 2  # each candidate their own event

    def test_it_escapes_special_characters_in_the_calendar(self, world, proc, emails):
        anna = proc.candidates[0]
        starts = timezone.now() + dt.timedelta(days=3)
        location = "Room 2; building C, floor 3\\4\r\nATTENDEE:mailto:x@example.org"
        with emails() as sent:
            services.invite_to_interview(
                actor=fresh(world.office),
                applications=[anna],
                starts_at=starts,
                duration_minutes=60,
                location=location,
            )
        [message] = sent
        props = parse_ics(message.attachments[0][1])
        event = {n: v for c, n, v in props if c == "VEVENT"}
        assert "ATTENDEE" not in event
        assert _unescape(event["LOCATION"]) == location.replace("\r\n", "\n")

    def test_it_quotes_the_organisers_name(self, world):
        interview = Interview(
            starts_at=timezone.now() + dt.timedelta(days=1),
            duration_minutes=30,
            location="Room 1",
        )
        content = services.calendar_invitation(interview, "Interview", 'Jansen, P. "Piet": Chair')
        [name] = [n for _c, n, _v in parse_ics(content) if n.startswith("ORGANIZER")]
        assert name == 'ORGANIZER;CN="Jansen, P.  Piet : Chair"'

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"starts_at": "past"}, "starts_at"),
            ({"location": "   "}, "location"),
            ({"duration_minutes": 5}, "duration_minutes"),
            ({"duration_minutes": 481}, "duration_minutes"),
        ],
    )
    def test_it_refuses_an_interview_without_what_it_needs(self, world, proc, changes, field):
        data = {
            "starts_at": timezone.now() + dt.timedelta(days=2),
            "duration_minutes": 60,
            "location": "Room 1",
        }
        if changes.get("starts_at") == "past":
            changes = {"starts_at": timezone.now() - dt.timedelta(minutes=1)}
        data.update(changes)
        before = snapshot()
        with pytest.raises(ValidationError) as error:
            services.invite_to_interview(
                actor=fresh(world.office), applications=proc.candidates, **data
            )
        assert field in error.value.message_dict
        assert snapshot() == before

    def test_it_asks_for_the_date_and_the_place_on_the_page(self, world, proc, own_client):
        before = snapshot()
        response = _move(own_client(proc.hos_chair), proc, "interview", proc.candidates[:1])
        said = " ".join(messages_of(response))
        assert "Give the date and time of the interview." in said
        assert "Give the place or the video link." in said
        assert snapshot() == before

    def test_it_does_not_invite_a_rejected_candidate(self, world, proc, emails):
        anna, bram, _ = proc.candidates
        services.reject(actor=fresh(world.office), applications=[anna], reason="Too junior.")
        before = snapshot()
        with emails() as sent, pytest.raises(ActionRefused) as refusal:
            services.invite_to_interview(
                actor=fresh(world.office),
                applications=[Application.objects.get(pk=bram.pk), anna],
                starts_at=timezone.now() + dt.timedelta(days=2),
                duration_minutes=60,
                location="Room 1",
            )
        assert refusal.value.code == "invalid_state"
        assert snapshot() == before
        assert sent == []


class TestRejecting:
    def test_it_lets_the_committee_reject_many_with_a_reason(self, world, proc, own_client, emails):
        _anna, bram, chloe = proc.candidates
        with emails() as sent:
            response = _move(
                own_client(proc.uni_member),
                proc,
                "reject",
                [bram, chloe],
                reason="Less design experience than the shortlisted candidates.",
            )
        assert "The candidates have been told." in messages_of(response)
        assert _statuses(proc) == ["submitted", "rejected", "rejected"]
        for application in (bram, chloe):
            application.refresh_from_db()
            assert (
                application.status_reason
                == "Less design experience than the shortlisted candidates."
            )
        assert sorted(m.to[0] for m in sent) == sorted(
            [bram.applicant.email, chloe.applicant.email]
        )
        assert all("ask the committee for the reasons" in m.body for m in sent)
        events = AuditEvent.objects.filter(action="application.rejected")
        assert {e.reason for e in events} == {
            "Less design experience than the shortlisted candidates."
        }

    def test_it_needs_a_reason_to_reject(self, world, proc, own_client):
        before = snapshot()
        response = _move(own_client(proc.uni_member), proc, "reject", proc.candidates, reason=" ")
        assert "Give the reason for the rejection." in " ".join(messages_of(response))
        with pytest.raises(ActionRefused) as refusal:
            services.reject(actor=fresh(world.office), applications=proc.candidates, reason="")
        assert refusal.value.code == "reason_required"
        assert snapshot() == before

    @pytest.mark.parametrize("first", ["rejected", "withdrawn"])
    def test_it_does_not_move_a_closed_application_again(self, world, proc, first):
        anna = proc.candidates[0]
        if first == "rejected":
            services.reject(actor=fresh(world.office), applications=[anna], reason="No.")
        else:
            services.withdraw_application(actor=fresh(anna.applicant), application=anna)
        anna.refresh_from_db()
        before = snapshot()
        for move in (
            lambda: services.shortlist(actor=fresh(world.office), applications=[anna]),
            lambda: services.reject(actor=fresh(world.office), applications=[anna], reason="No."),
        ):
            with pytest.raises(ActionRefused):
                move()
        assert snapshot() == before


class TestWhoMoves:
    @pytest.mark.parametrize("who", ["coordinator_a", "coordinator_b", "applicant", "trainee_a"])
    def test_it_lets_no_one_outside_the_committee_move_candidates(
        self, world, proc, own_client, who
    ):
        before = snapshot()
        response = own_client(getattr(world, who)).post(
            f"/selection/{proc.position.pk}/move/",
            {"action": "shortlist", "applications": [proc.candidates[0].pk]},
        )
        assert response.status_code == 404
        with pytest.raises(PermissionDenied):
            services.shortlist(actor=fresh(getattr(world, who)), applications=proc.candidates)
        assert snapshot() == before

    def test_it_lets_a_member_of_another_committee_move_none_of_these(
        self, world, proc, own_client
    ):
        other = procedure_for(world, candidates=1, hospital=world.hospital_b)
        outsider = other.hos_member
        before = snapshot()
        with pytest.raises(PermissionDenied):
            services.shortlist(actor=fresh(outsider), applications=proc.candidates)
        # Candidates of another position are not a valid choice in this position's form.
        response = _move(own_client(proc.hos_member), proc, "shortlist", other.candidates)
        assert any("valid choice" in m for m in messages_of(response))
        with pytest.raises(ActionRefused):
            services.shortlist(
                actor=fresh(world.office), applications=[proc.candidates[0], *other.candidates]
            )
        assert snapshot() == before

    def test_it_does_not_treat_drafts_as_candidates(self, world, proc, own_client):
        someone = person_with_role("trainee", world.hospital_b)
        draft = services.start_application(actor=someone, position=proc.position)
        response = own_client(proc.hos_member).get(f"/selection/{proc.position.pk}/")
        assert f"/selection/candidates/{draft.pk}/" not in response.content.decode()
        before = snapshot()
        response = _move(own_client(proc.hos_member), proc, "shortlist", [draft])
        assert any("valid choice" in m for m in messages_of(response))
        assert snapshot() == before
        assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.DRAFT
