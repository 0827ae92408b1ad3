import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve

from sprintlab.api.api import api
from sprintlab.core.views import favicon

admin.site.site_header = "SprintLab administration"
admin.site.site_title = "SprintLab admin"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="sprints:list", permanent=False), name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("sprintlab.accounts.urls")),
    path("", include("sprintlab.notifications.urls")),
    path("", include("sprintlab.registrations.urls")),
    path("", include("sprintlab.teams.urls")),
    path("", include("sprintlab.submissions.urls")),
    path("", include("sprintlab.teamfinder.urls")),
    path("", include("sprintlab.programme.urls")),
    path("", include("sprintlab.mentoring.urls")),
    path("", include("sprintlab.judging.urls")),
    path("", include("sprintlab.announcements.urls")),
    path("", include("sprintlab.library.urls")),
    path("", include("sprintlab.localsites.urls")),
    path("", include("sprintlab.sprints.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

if settings.SERVE_MEDIA and not urlsplit(settings.MEDIA_URL).netloc:
    # Django's static() helper serves nothing unless DEBUG; SERVE_MEDIA may be set without it.
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
