from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamfinderConfig(AppConfig):
    name = "sprintlab.teamfinder"
    verbose_name = _("Team finder")
