from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SprintsConfig(AppConfig):
    name = "sprintlab.sprints"
    verbose_name = _("Sprints")

    def ready(self):
        from sprintlab.sprints import receivers  # noqa: F401  (connects the signal receivers)
