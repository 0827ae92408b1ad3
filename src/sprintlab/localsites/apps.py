from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocalSitesConfig(AppConfig):
    name = "sprintlab.localsites"
    verbose_name = _("Local sites")

    def ready(self):
        # Registers the app's rules (django-rules only autodiscovers modules named rules.py).
        from sprintlab.localsites import permissions  # noqa: F401
