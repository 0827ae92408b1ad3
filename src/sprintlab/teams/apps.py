from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "sprintlab.teams"
    verbose_name = _("Teams")

    def ready(self):
        # Leaving the team when a registration is cancelled (the registrations app's signal).
        from sprintlab.teams import receivers  # noqa: F401
