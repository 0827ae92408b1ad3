from django.urls import path

from sprintlab.teamfinder import views

app_name = "teamfinder"
FINDER = "sprints/<slug:slug>/team-finder/"
urlpatterns = [
    path(FINDER, views.profile, name="profile"),
    path(FINDER + "suggestions/", views.suggestions, name="suggestions"),
    path(FINDER + "start-team/", views.start_team, name="start_team"),
    path(FINDER + "my-group/", views.my_group, name="my_group"),
    path(FINDER + "grouping/", views.grouping, name="grouping"),
    path(FINDER + "grouping/groups/<int:group_id>/close/", views.group_close, name="group_close"),
    path(FINDER + "outcomes/", views.outcomes, name="outcomes"),
]
