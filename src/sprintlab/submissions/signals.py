"""What this app tells higher apps, which it may not import: they connect in their ``AppConfig.ready``."""

from django.dispatch import Signal

# A submission was newly flagged as a possible info hazard: by its team (the self-assessment turned to
# "possibly" or "yes") or by a judge (judging sends it when a review's flag is set). Sent inside the
# transaction that raised the flag, so what a receiver writes commits or rolls back with it.
# Arguments: ``submission``, ``actor`` (who flagged it) and ``source`` ("team" or "judge").
info_hazard_flagged = Signal()
