from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocalSitesConfig(AppConfig):
    name = "sprintlab.localsites"
    verbose_name = _("Local sites")
