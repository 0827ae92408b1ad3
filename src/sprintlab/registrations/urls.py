from django.urls import path

from sprintlab.localsites.urls import SITE
from sprintlab.registrations import views, views_attendance, views_check_in_code, views_organising

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
    path("registrations/<int:pk>/check-in-code/", views_check_in_code.check_in_code, name="check_in_code"),
    path("registrations/<int:pk>/check-in-code.svg", views_check_in_code.check_in_code_svg, name="check_in_code_svg"),
    # A site's people on the day, under the site's URL (the site pages themselves: localsites.urls).
    path(SITE + "dashboard/message/", views_attendance.site_message, name="site_message"),
    path(SITE + "check-in/", views_attendance.check_in, name="check_in"),
    path(SITE + "check-in/code/", views_attendance.check_in_by_code, name="check_in_by_code"),
    path(SITE + "check-in/<int:registration_id>/", views_attendance.check_in_attendee, name="check_in_attendee"),
]
