"""Reports: the programme office sees the whole programme, a hospital coordinator the same
reports for their own hospital(s) only (the scope is applied in filters.scope_for)."""

from __future__ import annotations

import rules

from qme.organisations.rules import is_programme_office
from qme.positions.rules import is_hospital_coordinator

rules.add_perm("reports.view", is_programme_office | is_hospital_coordinator)
