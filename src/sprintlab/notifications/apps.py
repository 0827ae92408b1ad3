from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "sprintlab.notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Registers the app's rules (django-rules only autodiscovers modules named rules.py).
        from sprintlab.notifications import permissions  # noqa: F401
