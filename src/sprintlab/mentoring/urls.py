from django.urls import path

from sprintlab.mentoring import views, views_help

app_name = "mentoring"
MENTORS = "sprints/<slug:slug>/mentors/"
REQUEST = MENTORS + "requests/<int:request_id>/"
urlpatterns = [
    path(MENTORS, views.mentors, name="mentors"),
    path(MENTORS + "slots/<int:slot_id>/book/", views.book, name="book"),
    path(MENTORS + "slots/<int:slot_id>/delete/", views.delete_slot, name="delete_slot"),
    path(MENTORS + "bookings/<int:booking_id>/cancel/", views.cancel_booking, name="cancel_booking"),
    path(MENTORS + "office-hours/", views.office_hours, name="office_hours"),
    path(MENTORS + "profile/", views.profile, name="profile"),
    path(MENTORS + "<int:user_id>/profile/", views.edit_mentor_profile, name="edit_profile"),
    path(MENTORS + "help/", views_help.ask, name="ask"),
    path(MENTORS + "queue/", views_help.queue, name="queue"),
    path(MENTORS + "overview/", views_help.overview, name="overview"),
    path(REQUEST, views_help.request_detail, name="request"),
    path(REQUEST + "claim/", views_help.claim, name="claim"),
    path(REQUEST + "release/", views_help.release, name="release"),
    path(REQUEST + "close/", views_help.close, name="close"),
    path(REQUEST + "notes/", views_help.add_note, name="add_note"),
]
