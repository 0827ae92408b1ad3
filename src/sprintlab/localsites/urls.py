from django.urls import path

from sprintlab.localsites import dashboard_views, views

app_name = "localsites"

SITE = "sprints/<slug:sprint_slug>/sites/<slug:slug>/"  # also in registrations.urls

urlpatterns = [
    path("me/sites/", views.my_sites, name="mine"),
    path("sprints/<slug:sprint_slug>/sites/", views.site_list, name="list"),
    # Before the site pages: "apply" is never used as a site slug.
    path("sprints/<slug:sprint_slug>/sites/apply/", views.site_apply, name="apply"),
    path("sprints/<slug:sprint_slug>/site-applications/", views.application_list, name="applications"),
    path("sprints/<slug:sprint_slug>/site-applications/<int:pk>/decide/", views.application_decide, name="decide"),
    path(SITE, views.site_detail, name="detail"),
    path(SITE + "edit/", views.application_edit, name="edit"),
    path(SITE + "withdraw/", views.application_withdraw, name="withdraw"),
    path(SITE + "dashboard/", dashboard_views.site_dashboard, name="dashboard"),
    path(SITE + "dashboard/attendees.csv", dashboard_views.site_attendees_csv, name="export"),
    # A site's check-in and messages to its attendees: registrations.urls (same prefix).
]
