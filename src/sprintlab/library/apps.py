from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "sprintlab.library"
    verbose_name = _("Results and project library")

    def ready(self) -> None:
        from sprintlab.library.services import on_info_hazard_flagged
        from sprintlab.submissions.signals import info_hazard_flagged

        info_hazard_flagged.connect(on_info_hazard_flagged, dispatch_uid="library.withdraw_on_new_flag")
