"""Who may read and act on the outbox and the inbox. Ask ``user.has_perm("notifications.<action>", obj)``."""

import rules

from sprintlab.core.permissions import is_signed_in, is_staff


@rules.predicate
def owns_inbox_item(user, item) -> bool:
    return item is not None and user.is_authenticated and item.user_id == user.pk


# Emails carry personal data of everyone who registered: staff only.
rules.add_perm("notifications.view_outbox", is_staff)
rules.add_perm("notifications.retry_message", is_staff)
# Each person's inbox and notification preferences are their own, whoever else they are.
rules.add_perm("notifications.use_inbox", is_signed_in)
rules.add_perm("notifications.read_inbox_item", owns_inbox_item)
rules.add_perm("notifications.change_preferences", is_signed_in)
