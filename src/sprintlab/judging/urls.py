from django.urls import path

from sprintlab.judging import views, views_local, views_manage, views_pairwise, views_ranking

app_name = "judging"
J = "sprints/<slug:slug>/judging/"
REVIEW = J + "review/<int:submission_id>/<slug:kind>/"
SITE = J + "sites/<slug:site_slug>/"
urlpatterns = [
    path("judging/invitations/<str:token>/", views.accept, name="accept"),
    path(J, views_manage.overview, name="overview"),
    path(J + "settings/", views_manage.settings_update, name="settings"),
    path(J + "invite/", views_manage.invite, name="invite"),
    path(J + "invitations/<int:pk>/withdraw/", views_manage.revoke, name="revoke"),
    path(J + "remind/", views_manage.remind, name="remind"),
    path(J + "criteria/", views_manage.criteria, name="criteria"),
    path(J + "criteria/defaults/", views_manage.criteria_defaults, name="criteria_defaults"),
    path(J + "criteria/<int:pk>/", views_manage.criterion_edit, name="criterion_edit"),
    path(J + "criteria/<int:pk>/delete/", views_manage.criterion_delete, name="criterion_delete"),
    path(J + "calibration/", views_manage.calibration, name="calibration"),
    path(J + "assignments/", views_manage.assignments, name="assignments"),
    path(J + "assignments/run/", views_manage.assignment_run, name="assignment_run"),
    path(J + "assignments/add/", views_manage.assignment_add, name="assignment_add"),
    path(J + "assignments/<int:pk>/remove/", views_manage.assignment_remove, name="assignment_remove"),
    path(J + "rules/", views_manage.pair_rule, name="pair_rule"),
    path(J + "rules/<int:pk>/remove/", views_manage.pair_rule_remove, name="pair_rule_remove"),
    path(J + "reviews/", views_manage.reviews, name="reviews"),
    path(J + "ranking/", views_ranking.ranking, name="ranking"),
    path(J + "ranking/extra-review/", views_ranking.extra_review, name="extra_review"),
    path(J + "scores.csv", views_ranking.scores_csv, name="scores_csv"),
    path(J + "profile/", views.profile, name="profile"),
    path(J + "bids/", views.bids, name="bids"),
    path(J + "bids/<int:submission_id>/", views.bid, name="bid"),
    path(J + "queue/", views.queue, name="queue"),
    path(J + "compare/", views_pairwise.compare, name="compare"),
    path(J + "compare/answer/", views_pairwise.compare_record, name="compare_record"),
    path(REVIEW, views.review, name="review"),
    path(REVIEW + "score/<int:criterion_id>/", views.score, name="score"),
    path(REVIEW + "texts/", views.review_texts, name="review_texts"),
    path(SITE, views_local.local_round, name="local_round"),
    path(SITE + "open/", views_local.local_round_open, name="local_round_open"),
    path(SITE + "nominate/", views_local.nominate, name="nominate"),
    path(SITE + "nominations/<int:pk>/withdraw/", views_local.nomination_withdraw, name="nomination_withdraw"),
]
