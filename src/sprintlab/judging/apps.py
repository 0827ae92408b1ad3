from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JudgingConfig(AppConfig):
    name = "sprintlab.judging"
    verbose_name = _("Judging")

    def ready(self) -> None:
        from sprintlab.judging.permissions import reviews_submission_files
        from sprintlab.submissions.permissions import register_file_access

        register_file_access(reviews_submission_files)
