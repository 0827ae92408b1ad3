from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "sprintlab.registrations"
    verbose_name = _("Registrations")

    def ready(self):
        # Registers the named permissions with django-rules.
        from sprintlab.registrations import permissions, receivers  # noqa: F401
