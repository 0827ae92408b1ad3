from django.urls import path

from sprintlab.teams import views, views_actions

app_name = "teams"
TEAMS = "sprints/<slug:slug>/teams/"
TEAM = TEAMS + "<int:team_id>/"
REQUEST = TEAMS + "requests/<int:request_id>/"
# The team finder posts to join_request_create and invite (with from_finder=1 and a next URL).
urlpatterns = [
    path(TEAMS, views.team_list, name="list"),
    path(TEAMS + "new/", views.team_create, name="create"),
    path(TEAMS + "mine/", views.my_team, name="mine"),
    path(TEAMS + "join/", views.join_code, name="join_code"),
    path(TEAMS + "join/<str:code>/", views.join_link, name="join_link"),
    path(TEAM, views.team_detail, name="detail"),
    path(TEAM + "edit/", views.team_edit, name="edit"),
    path(TEAM + "request/", views_actions.join_request_create, name="join_request_create"),
    path(TEAM + "invite/", views_actions.invite, name="invite"),
    path(TEAM + "leave/", views_actions.leave, name="leave"),
    path(TEAM + "hand-over/", views_actions.hand_over, name="hand_over"),
    path(TEAM + "remove/", views_actions.remove_member, name="remove_member"),
    path(TEAM + "disband/", views_actions.disband, name="disband"),
    path(TEAM + "new-code/", views_actions.regenerate_code, name="regenerate_code"),
    path(REQUEST + "accept/", views_actions.join_request_accept, name="accept"),
    path(REQUEST + "decline/", views_actions.join_request_decline, name="decline"),
    path(REQUEST + "withdraw/", views_actions.join_request_withdraw, name="withdraw"),
]
