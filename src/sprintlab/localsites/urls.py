from django.urls import path

from sprintlab.localsites import views

app_name = "localsites"
urlpatterns: list = []
