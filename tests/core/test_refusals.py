"""A refusal says why when a service gave a reason for people, and never shows the internal name
of a permission."""

from __future__ import annotations


def test_a_plain_permission_refusal_shows_no_permission_name(world, client_for):
    response = client_for(world.coordinator_a).get("/audit/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your roles do not allow this." in page
    assert "audit.view_trail" not in page
    answer = client_for(world.coordinator_a).get("/api/v1/graduation-cases")
    assert answer.status_code == 403
    assert answer.json() == {"detail": "You are not allowed to do this.", "code": "forbidden"}
