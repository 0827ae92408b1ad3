from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "sprintlab.library"
    verbose_name = _("Results and project library")

    def ready(self) -> None:
        from sprintlab.library import receivers  # noqa: F401
