from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data and the development commands that use it (``sprintlab seed-demo``, ``sprintlab serve-dev``).

    An app of its own, above every other, because it builds rows of all of them; ``core`` stays free of it.
    """

    name = "sprintlab.demo"
    verbose_name = _("Demo")
