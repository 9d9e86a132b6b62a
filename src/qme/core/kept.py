"""Pages whose main part is kept in the shared cache, rendered, until what it shows changes.

A trainee's record, their feedback, a progress review or a committee's results take 10 to 20
queries and a few thousand template nodes to render, on the pages people open most after their
home page. Their main part (everything inside `<main>` but the messages) is the same on every
visit of the same person in the same language on the same day, as long as no row it reads is
written. So it is rendered once and kept in the versioned cache of `qme.reports.cache`: each
page names the models it reads, every statement that writes one of their rows makes what was
kept out of date, and a test per page checks that the names cover every table its rendering
reads (tests/core/test_kept_pages.py).

What differs per visit is left out of what is kept: the navigation, the messages and the
account menu are rendered around it by `base.html`, and each form's CSRF token is written as a
mark that is replaced by the visitor's own token when the page is sent. The main part is
rendered without the request (a template that needs the request, the user or the permissions
gets them as explicit context), and a page with a form that failed validation is rendered
without the cache (`render_main`), so that what was typed and its errors are never kept.

The person's visibility check belongs inside `context()`: the key holds the person, so a
refusal (a 404) is never kept and never shown to someone else."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from qme.accounts.models import User
from qme.organisations.models import Organisation, Role
from qme.reports import cache as versioned

T = TypeVar("T")

#: Written where each form's CSRF token goes; never part of a page as sent.
CSRF_MARK = "qme-kept-csrf-token-mark"


@dataclass(frozen=True)
class KeptMain:
    """A page's title and the HTML of its main part."""

    title: str
    html: str


def render_main(template: str, context: dict[str, Any], title: str) -> KeptMain:
    """The main part of a page, rendered without the request; CSRF tokens are marks."""
    return KeptMain(
        title=str(title), html=render_to_string(template, {**context, "csrf_token": CSRF_MARK})
    )


#: What every kept page depends on besides its own data: the person it is kept for, their
#: roles and organisations (what they may see and do), and the permissions' content types.
VIEWER_READS: tuple[type[models.Model], ...] = (User, Role, Organisation, ContentType)

#: The pages whose reads were found watched (checked once per process).
_checked: set[str] = set()


@dataclass(frozen=True)
class KeptPage:
    """A page whose main part is kept: its name, and every model whose rows its main part reads
    (VIEWER_READS are added). The app that declares it watches `reads` when it starts
    (`AppConfig.ready`)."""

    name: str
    reads: tuple[type[models.Model], ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "reads", tuple(dict.fromkeys((*VIEWER_READS, *self.reads))))

    def keep(self, request: HttpRequest, parts: Any, compute: Callable[[], T]) -> T:
        """`compute()` for this person and `parts` (everything besides the person, the
        language, the day and the rows of `reads` that it depends on), from the cache while
        none of `reads` has changed."""
        if self.name not in _checked:
            if not versioned.watches(self.reads):
                raise ImproperlyConfigured(f"{self.name}: watch its reads in AppConfig.ready")
            _checked.add(self.name)
        return versioned.remember(
            f"page:{self.name}", self.reads, (request.user.pk, parts), compute
        )

    def main(
        self,
        request: HttpRequest,
        parts: Any,
        build: Callable[[], tuple[str, dict[str, Any], str]],
    ) -> KeptMain:
        """The page's main part: `build()` -> (template, context, title) rendered, and kept."""
        return self.keep(request, parts, lambda: render_main(*build()))


#: Where the page's title, its main part and its address go in the kept frame.
TITLE_MARK = "qme-kept-frame-title-mark"
MAIN_MARK = "qme-kept-frame-main-mark"
PATH_MARK = "qme-kept-frame-path-mark"


def respond(request: HttpRequest, main: KeptMain, status: int = 200) -> HttpResponse:
    """The whole page: the kept main part inside the base template, with this visit's token.

    For a signed-in person without messages waiting, the base template itself (the navigation,
    the unread count, the account menu: about half of what a kept page costs) is kept too, per
    person, address and language, rendered around marks for the title, the main part, the
    address and the CSRF token (`_frame`)."""
    if not request.user.is_authenticated or len(messages.get_messages(request)):
        html = main.html.replace(CSRF_MARK, get_token(request))
        return render(
            request,
            "core/kept_page.html",
            {"kept_title": main.title, "kept_html": _safe(html)},
            status=status,
        )
    frame = versioned.remember(
        "page-frame",
        frame_reads(),
        (request.user.pk, request.path),
        lambda: _frame(request),
        local=True,
    )
    path = request.get_full_path()
    html = (
        frame.replace(f"?next={PATH_MARK}", "?next=" + quote(path, safe="/"))
        .replace(PATH_MARK, escape(path))
        .replace(TITLE_MARK, escape(main.title))
        .replace(MAIN_MARK, main.html)
        .replace(CSRF_MARK, get_token(request))
    )
    return HttpResponse(html, status=status)


@functools.cache
def frame_reads() -> tuple[type[models.Model], ...]:
    """What the base template shows of the data: the navigation and the unread count (worked
    out once; the apps that declare them are loaded by the first request)."""
    from qme.core.context_processors import READS as NAVIGATION_READS
    from qme.notifications.selectors import UNREAD_READS

    return tuple(dict.fromkeys((*VIEWER_READS, *NAVIGATION_READS, *UNREAD_READS)))


class _AddressMark:
    """The request as the kept frame sees it: the same, but its full address (with the query,
    which is not part of the frame's key) is a mark."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request

    def __getattr__(self, name: str) -> Any:
        return getattr(self._request, name)

    def get_full_path(self) -> str:
        return PATH_MARK


def _frame(request: HttpRequest) -> str:
    return render_to_string(
        "core/kept_page.html",
        {
            "kept_title": TITLE_MARK,
            "kept_html": _safe(MAIN_MARK),
            "csrf_token": CSRF_MARK,
            "request": _AddressMark(request),
        },
        request=request,
    )


def _safe(html: str) -> SafeString:
    # Rendered by the template engine with autoescaping: safe as it was when it was rendered.
    return mark_safe(html)
