from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "sprintlab.api"
    verbose_name = _("API")

    def ready(self):
        from sprintlab.api.api import api
        from sprintlab.api.unstorable_text import refuse_unstorable_text

        # On every operation, before its schema is checked ("view" mode); the URLs are built later.
        api.add_decorator(refuse_unstorable_text, mode="view")
