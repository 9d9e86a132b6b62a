from django.urls import path

from . import views, views_public

app_name = "positions"
urlpatterns = [
    # Public: anyone, no sign-in.
    path("positions/", views_public.position_list, name="public_list"),
    path("positions/feed.atom", views_public.OpenPositionsFeed(), name="public_feed"),
    path("positions/<int:pk>/", views_public.position_detail, name="public_detail"),
    # Hospital coordinators and the programme office.
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("requests/<int:pk>/submit/", views.request_submit, name="request_submit"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("requests/<int:pk>/comments/", views.request_comment, name="request_comment"),
    path(
        "requests/<int:pk>/comments/<int:comment_pk>/resolve/",
        views.comment_resolve,
        name="comment_resolve",
    ),
    path("requests/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path(
        "requests/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "requests/<int:pk>/attachments/<int:attachment_pk>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("requests/<int:pk>/invite/", views.request_invite, name="request_invite"),
    path("requests/<int:pk>/approve/", views.request_approve, name="request_approve"),
    path("requests/<int:pk>/changes/", views.request_changes, name="request_changes"),
    path("requests/<int:pk>/decline/", views.request_decline, name="request_decline"),
    path("manage/positions/", views.position_list, name="position_list"),
    path("manage/positions/<int:pk>/", views.position_detail, name="position_detail"),
    path("manage/positions/<int:pk>/edit/", views.position_edit, name="position_edit"),
    path("manage/positions/<int:pk>/publish/", views.position_publish, name="position_publish"),
    path("manage/positions/<int:pk>/close/", views.position_close, name="position_close"),
    path("manage/positions/<int:pk>/extend/", views.position_extend, name="position_extend"),
    path("manage/positions/<int:pk>/cancel/", views.position_cancel, name="position_cancel"),
    path("manage/positions/<int:pk>/reopen/", views.position_reopen, name="position_reopen"),
]
