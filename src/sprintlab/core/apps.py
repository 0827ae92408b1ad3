from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "sprintlab.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from sprintlab.core.db import read_out_of_range_times_at_the_edge

        connection_created.connect(read_out_of_range_times_at_the_edge, dispatch_uid="sprintlab-edge-times")
