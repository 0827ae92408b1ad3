from django.urls import path

from sprintlab.registrations import views

app_name = "registrations"
urlpatterns = [
    path("me/sprints/", views.my_sprints, name="mine"),
]
