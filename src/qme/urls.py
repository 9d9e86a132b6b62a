from django.contrib import admin
from django.urls import include, path

from qme.accounts import views as account_views
from qme.api.api import api
from qme.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("health", core_views.health, name="health"),
    path(".well-known/security.txt", core_views.security_txt, name="security_txt"),
    path("i18n/language/", core_views.set_language, name="set_language"),
    path("accounts/profile/", account_views.profile, name="profile"),
    path("accounts/session/", account_views.session_status, name="session_status"),
    path("accounts/drafts/", account_views.drafts, name="drafts"),
    path("accounts/drafts/discard/", account_views.draft_discard, name="draft_discard"),
    path("accounts/api-tokens/", account_views.api_tokens, name="api_tokens"),
    path(
        "accounts/api-tokens/<int:pk>/revoke/",
        account_views.api_token_revoke,
        name="api_token_revoke",
    ),
    path("accounts/", include("allauth.urls")),
    path("organisations/", include("qme.organisations.urls")),
    path("people/", include("qme.accounts.urls")),
    path("audit/", include("qme.audit.urls")),
    path("", include("qme.positions.urls")),
    path("", include("qme.selection.urls")),
    path("", include("qme.training.urls")),
    path("", include("qme.feedback.urls")),
    path("", include("qme.graduation.urls")),
    path("personal-data/", include("qme.privacy.urls")),
    path("", include("qme.reports.urls")),
    path("", include("qme.notifications.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "qme.core.views.bad_request"
handler403 = "qme.core.views.permission_denied"
handler404 = "qme.core.views.page_not_found"
handler500 = "qme.core.views.server_error"
