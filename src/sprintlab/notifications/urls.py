from django.urls import path

from sprintlab.notifications import views

app_name = "notifications"
urlpatterns = [
    path("outbox/", views.outbox_list, name="outbox"),
]
