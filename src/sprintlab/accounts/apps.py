from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sprintlab.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Registers the app's rules (django-rules only autodiscovers modules named rules.py).
        from sprintlab.accounts import permissions  # noqa: F401
