from django.urls import path

from sprintlab.registrations import views, views_organising

app_name = "registrations"
urlpatterns = [
    path("me/sprints/", views.my_sprints, name="mine"),
    path("me/organising/", views_organising.organising, name="organising"),
    path("sprints/<slug:slug>/register/", views.register, name="register"),
    path("sprints/<slug:slug>/calendar.ics", views.sprint_calendar, name="calendar"),
    path("sprints/<slug:slug>/admissions/", views.admissions_page, name="admissions"),
    path("registrations/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("registrations/<int:pk>/switch/", views.switch, name="switch"),
    path("registrations/<int:pk>/confirm/", views.confirm, name="confirm"),
]
