from django.urls import path

from sprintlab.sprints import views, views_manage, views_registrations, views_team

app_name = "sprints"
# Fixed paths come before <slug> ones; their segments are reserved slugs (models.RESERVED_SLUGS).
urlpatterns = [
    path("sprints/", views.sprint_list, name="list"),
    path("sprints/new/", views_manage.sprint_create_view, name="create"),
    path("sprints/partners/new/", views_manage.partner_create_view, name="partner_create"),
    path("sprints/preview/markdown/", views_manage.markdown_preview_view, name="preview_markdown"),
    path("sprints/<slug:slug>/", views.sprint_detail, name="detail"),
    path("sprints/<slug:slug>/edit/", views_manage.sprint_edit_view, name="edit"),
    path("sprints/<slug:slug>/clone/", views_manage.sprint_clone_view, name="clone"),
    path("sprints/<slug:slug>/team/", views_team.sprint_team_view, name="team"),
    path(
        "sprints/<slug:slug>/team/<int:membership_id>/remove/", views_team.sprint_team_remove_view, name="team_remove"
    ),
    path("sprints/<slug:slug>/registrations/", views_registrations.sprint_registrations_view, name="registrations"),
]
