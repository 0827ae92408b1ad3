from django.urls import path

from sprintlab.programme import views, views_manage

app_name = "programme"
SPRINT = "sprints/<slug:slug>/"
urlpatterns = [
    path(SPRINT + "schedule/", views.schedule, name="schedule"),
    path(SPRINT + "schedule.ics", views.sprint_ics, name="schedule_ics"),
    path(SPRINT + "schedule/<int:pk>/agenda/", views.agenda_toggle, name="agenda_toggle"),
    path(SPRINT + "agenda/", views.agenda, name="agenda"),
    path(SPRINT + "resources/", views.resources, name="resources"),
    path("me/agenda/", views.my_agenda, name="my_agenda"),
    path("me/calendar/", views.calendar_page, name="calendar"),
    path("me/calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", views.personal_ics, name="personal_ics"),
    # Organisers
    path(SPRINT + "schedule/manage/", views_manage.sessions_manage, name="manage_sessions"),
    path(SPRINT + "schedule/new/", views_manage.session_create, name="session_create"),
    path(SPRINT + "schedule/<int:pk>/edit/", views_manage.session_edit, name="session_edit"),
    path(SPRINT + "schedule/<int:pk>/cancel/", views_manage.session_cancel, name="session_cancel"),
    path(SPRINT + "speakers/", views_manage.speakers, name="speakers"),
    path(SPRINT + "speakers/<int:pk>/", views_manage.speaker_edit, name="speaker_edit"),
    path(SPRINT + "resources/manage/", views_manage.resources_manage, name="manage_resources"),
    path(SPRINT + "resources/copy/", views_manage.resources_copy, name="resources_copy"),
    path(SPRINT + "resources/<int:pk>/edit/", views_manage.resource_edit, name="resource_edit"),
    path(SPRINT + "resources/<int:pk>/move/", views_manage.resource_move, name="resource_move"),
    path(SPRINT + "resources/<int:pk>/delete/", views_manage.resource_delete, name="resource_delete"),
]
