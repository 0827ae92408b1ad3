from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "sprintlab.programme"
    verbose_name = _("Schedule and resources")
