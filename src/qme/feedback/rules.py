"""Feedback follows the traineeship: who may see it may read the feedback; its supervisors and
doctor give it; the trainee responds."""

from __future__ import annotations

import rules

from qme.organisations.rules import is_programme_office
from qme.training.rules import is_trainee_of, supervises

rules.add_perm("feedback.give", supervises)
rules.add_perm("feedback.respond", is_trainee_of)
rules.add_perm("feedback.configure", is_programme_office)
