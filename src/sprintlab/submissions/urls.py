from django.urls import path

from sprintlab.submissions import views, views_files

app_name = "submissions"
SUBMISSIONS = "sprints/<slug:slug>/submissions/"
urlpatterns = [
    path("sprints/<slug:slug>/submission/", views.my_submission, name="mine"),
    path(SUBMISSIONS, views.sprint_submissions, name="list"),
    path(SUBMISSIONS + "<int:submission_id>/", views.submission_detail, name="detail"),
    path(SUBMISSIONS + "teams/<int:team_id>/extension/", views.extension_grant, name="extension"),
    path(SUBMISSIONS + "files/<int:version_id>/report.pdf", views_files.report_file, name="report"),
    path(SUBMISSIONS + "files/<int:version_id>/thumbnail.png", views_files.thumbnail_file, name="thumbnail"),
    path(SUBMISSIONS + "appendices/<int:appendix_id>/", views_files.appendix_file, name="appendix"),
]
