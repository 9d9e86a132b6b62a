from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "qme.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # A change to what a report reads makes its cached figures out of date (reports.cache).
        from .cache import watch
        from .filters import COHORT_SOURCES
        from .views import REPORT_PAGES, REPORTS

        watch([*COHORT_SOURCES, *(model for report in REPORTS.values() for model in report.reads)])
        # A change to what a kept page reads renders it again (qme.core.kept).
        watch([model for page in REPORT_PAGES.values() for model in page.reads])
