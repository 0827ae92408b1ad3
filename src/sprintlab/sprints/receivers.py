"""Keep what is remembered about people's sprint roles in step with the roles themselves."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sprintlab.sprints.models import SprintMembership
from sprintlab.sprints.permissions import forget_runs_any_sprint


@receiver(post_save, sender=SprintMembership, dispatch_uid="sprints-membership-saved")
@receiver(post_delete, sender=SprintMembership, dispatch_uid="sprints-membership-deleted")
def membership_changed(sender, instance: SprintMembership, **kwargs) -> None:
    # After the commit: forgetting earlier would let a concurrent page remember the old answer again.
    user_id = instance.user_id
    transaction.on_commit(lambda: forget_runs_any_sprint(user_id))
