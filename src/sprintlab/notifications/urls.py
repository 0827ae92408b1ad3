"""Mounted at the site root: staff pages under /staff/, each person's under /me/, unsubscribe links."""

from django.urls import path

from sprintlab.notifications import views, views_people

app_name = "notifications"
urlpatterns = [
    path("staff/outbox/", views.outbox_list, name="outbox"),
    path("staff/outbox/<int:pk>/", views.outbox_detail, name="outbox_detail"),
    path("staff/outbox/<int:pk>/resend/", views.outbox_retry, name="outbox_retry"),
    path("me/inbox/", views_people.inbox_list, name="inbox"),
    path("me/inbox/badge/", views_people.inbox_badge, name="inbox_badge"),
    path("me/inbox/read/", views_people.inbox_mark_all_read, name="inbox_mark_all_read"),
    path("me/inbox/<int:pk>/read/", views_people.inbox_mark_read, name="inbox_mark_read"),
    path("me/notifications/settings/", views_people.preferences_edit, name="preferences"),
    path("unsubscribe/<str:token>/", views_people.unsubscribe, name="unsubscribe"),
]
