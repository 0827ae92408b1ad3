"""Who may read and act on the outbox. Ask ``user.has_perm("notifications.<action>", message)``."""

import rules

from sprintlab.core.permissions import is_staff

# Emails carry personal data of everyone who registered: staff only.
rules.add_perm("notifications.view_outbox", is_staff)
rules.add_perm("notifications.retry_message", is_staff)
