from django.urls import path

from sprintlab.library import views, views_manage

app_name = "library"
SPRINT = "sprints/<slug:slug>/"
urlpatterns = [
    path("library/", views.library, name="index"),
    path("library/<int:pk>/", views.project_page, name="project"),
    path("library/<int:pk>/report.pdf", views.project_report, name="report"),
    path("library/<int:pk>/cite.bib", views.project_bibtex, name="bibtex"),
    path("library/<int:pk>/feedback/", views.project_feedback, name="feedback"),
    path("certificates/", views.verify_lookup, name="verify_lookup"),
    path("certificates/<str:code>/", views.verify_certificate, name="verify"),
    path(SPRINT + "certificate.pdf", views.certificate_download, name="certificate"),
    path(SPRINT + "results/", views_manage.results, name="results"),
    path(SPRINT + "results/my-feedback/", views.my_feedback, name="my_feedback"),
    path(SPRINT + "results.json", views_manage.results_json, name="results_json"),
    # Organisers
    path(SPRINT + "results/manage/", views_manage.manage_results, name="manage_results"),
    path(SPRINT + "results/awards/", views_manage.award_add, name="award_add"),
    path(SPRINT + "results/awards/<int:pk>/remove/", views_manage.award_remove, name="award_remove"),
    path(SPRINT + "results/release/", views_manage.release, name="release"),
    path(SPRINT + "results/projects/<int:pk>/publish/", views_manage.project_publish, name="publish"),
    path(SPRINT + "results/projects/<int:pk>/similar/", views_manage.similar, name="similar"),
    # Info-hazard reviewers (the log: organisers too)
    path(SPRINT + "hazard-review/", views_manage.hazard_queue, name="hazard_queue"),
    path(SPRINT + "hazard-review/<int:pk>/", views_manage.hazard_decide, name="hazard_decide"),
]
