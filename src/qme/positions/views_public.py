"""Public pages: the open QME positions, for anyone, without signing in."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from qme.core import kept
from qme.core.pagination import paginate, querystring_without_page

from . import selectors
from .forms import PublicFilterForm
from .models import Position, PositionRequest

#: The public list of open positions (its main part, per visitor, filters and page:
#: `qme.core.kept`), the page most visitors from outside open.
PUBLIC_LIST = kept.KeptPage("public-positions", (Position, PositionRequest))


def position_list(request: HttpRequest) -> HttpResponse:
    # The filters' htmx requests get the results only.
    results_only = bool(request.htmx and not request.htmx.boosted)

    def build():
        form = PublicFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        university = filters.get("university")
        positions = selectors.public_positions(
            region=filters.get("region", ""), university_id=university.pk if university else None
        )
        context = {
            "form": form,
            "page": paginate(request, positions, per_page=20),
            "querystring": querystring_without_page(request),
            "language": get_language(),
        }
        template = "positions/public_list_main.html" + ("#results" if results_only else "")
        return template, context, _("Open QME positions")

    parts = (results_only, sorted(request.GET.lists()))
    main = PUBLIC_LIST.main(request, parts, build)
    if results_only:
        return HttpResponse(main.html)
    return kept.respond(request, main)


def position_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        position = selectors.public_position(pk)
    except Position.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "positions/public_detail.html",
        {"position": position, "language": get_language(), "today": timezone.localdate()},
    )


class OpenPositionsFeed(Feed):
    """Atom feed of open positions, for job boards and university web sites."""

    feed_type = Atom1Feed
    title = _("QME positions open for applications")
    subtitle = _(
        "Qualified Medical Engineer (EngD) positions in Dutch hospitals and care institutions."
    )

    def link(self) -> str:
        return reverse("positions:public_list")

    def items(self):
        return selectors.public_positions()[:100]

    def item_title(self, item: Position) -> str:
        return item.title(get_language() or "nl")

    def item_description(self, item: Position) -> str:
        deadline = item.application_deadline.isoformat()
        text = item.description(get_language() or "nl")
        return f"{item.hospital.name}, {item.hospital.city} — {deadline}\n\n{text}"

    def item_link(self, item: Position) -> str:
        return reverse("positions:public_detail", args=[item.pk])

    def item_pubdate(self, item: Position):
        return item.published_at

    def item_updateddate(self, item: Position):
        return item.status_changed_at

    def item_author_name(self, item: Position) -> str:
        return item.hospital.name
