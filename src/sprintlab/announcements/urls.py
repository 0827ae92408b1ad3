from django.urls import path

from sprintlab.announcements import views

app_name = "announcements"

urlpatterns = [
    path("sprints/<slug:slug>/announcements/", views.announcement_list, name="list"),
    path("sprints/<slug:slug>/announcements/new/", views.announcement_create, name="create"),
    path("sprints/<slug:slug>/announcements/preview/", views.announcement_preview, name="preview"),
    path("sprints/<slug:slug>/announcements/<int:pk>/", views.announcement_detail, name="detail"),
    path("sprints/<slug:slug>/announcements/<int:pk>/edit/", views.announcement_edit, name="edit"),
    path("sprints/<slug:slug>/announcements/<int:pk>/send/", views.announcement_send, name="send"),
    path("sprints/<slug:slug>/announcements/<int:pk>/schedule/", views.announcement_schedule, name="schedule"),
    path("sprints/<slug:slug>/announcements/<int:pk>/cancel/", views.announcement_cancel, name="cancel"),
]
