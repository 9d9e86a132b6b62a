"""Graduation: the programme office proposes, the examination board decides; the trainee and
their supervisors see the requirements check all along. A traineeship's diplomas (the page, the
PDFs, the credential, in the pages and the API alike) are for the graduate, the traineeship's
supervisors and doctor, the programme office and the examination board."""

from __future__ import annotations

import rules

from qme.organisations import roles
from qme.organisations.models import RoleKind
from qme.organisations.rules import is_programme_office
from qme.training.rules import is_trainee_of, supervises


@rules.predicate
def is_examination_board(user) -> bool:
    return roles.has_role(user, RoleKind.EXAMINATION_BOARD)


rules.add_perm("graduation.propose", is_programme_office)
rules.add_perm("graduation.decide", is_examination_board)
rules.add_perm("graduation.list_cases", is_programme_office | is_examination_board)
# The object is the traineeship whose diplomas are asked for.
rules.add_perm(
    "graduation.view_diplomas",
    is_programme_office | is_examination_board | is_trainee_of | supervises,
)
