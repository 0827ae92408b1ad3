"""What this app does when lower apps change something that concerns published projects."""

from django.dispatch import receiver

from sprintlab.library.services import hazard_flag_withdraw
from sprintlab.submissions.signals import info_hazard_flagged


@receiver(info_hazard_flagged, dispatch_uid="library.withdraw_on_new_flag")
def withdraw_on_a_new_flag(sender, *, submission, actor, source, **kwargs):
    """A new flag on a published project takes it out of the library until a reviewer decides
    (same transaction, same actor: ``services.hazard_flag_withdraw``)."""
    hazard_flag_withdraw(actor=actor, submission=submission, source=source)
