from django.urls import path

from sprintlab.sprints import views

app_name = "sprints"
urlpatterns = [
    path("sprints/", views.sprint_list, name="list"),
    path("sprints/<slug:slug>/", views.sprint_detail, name="detail"),
]
