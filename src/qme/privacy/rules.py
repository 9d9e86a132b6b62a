"""Each person's own data: everyone downloads what is held about them; the trainee exports their
record (and the programme office any trainee's, audited); the programme office sees what is held
about a person and erases them where the law allows it.

Supervisors do not export a trainee's record: they read it in the pages, but the export is the
trainee's copy of their whole record (their evidence files, feedback from others, their
reviews), a right of the trainee, not a tool for the people who supervise them.
"""

from __future__ import annotations

import rules

from qme.organisations.rules import is_programme_office
from qme.training.rules import is_trainee_of

rules.add_perm("privacy.export_record", is_trainee_of | is_programme_office)
rules.add_perm("privacy.manage", is_programme_office)
rules.add_perm("privacy.download_own", rules.is_authenticated)
