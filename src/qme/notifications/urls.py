from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/read-all/", views.notification_read_all, name="read_all"),
    path("notifications/email/", views.email_choice, name="email_choice"),
    path("notifications/<int:pk>/open/", views.notification_open, name="open"),
    path("notifications/<int:pk>/read/", views.notification_read, name="read"),
    path("notifications/deliveries/", views.deliveries, name="deliveries"),
    path("notifications/deliveries/retry-all/", views.delivery_retry_all, name="retry_all"),
    path("notifications/deliveries/<int:pk>/retry/", views.delivery_retry, name="retry"),
]
