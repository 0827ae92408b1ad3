from django.urls import path

from sprintlab.notifications import views

app_name = "notifications"
urlpatterns = [
    path("outbox/", views.outbox_list, name="outbox"),
    path("outbox/<int:pk>/", views.outbox_detail, name="outbox_detail"),
    path("outbox/<int:pk>/resend/", views.outbox_retry, name="outbox_retry"),
]
