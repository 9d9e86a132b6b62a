from __future__ import annotations

from django_tasks import task

from . import services


@task()
def expire_offers() -> int:
    """Offers not answered by their deadline expire."""
    return services.expire_offers()


@task()
def delete_expired_applicant_data() -> int:
    """Delete applicant data four weeks after a procedure (one year with consent)."""
    return services.delete_expired_applicant_data()
