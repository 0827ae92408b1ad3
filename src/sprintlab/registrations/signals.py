"""Signals through which higher apps react to changes made here, without this app importing them."""

from django.dispatch import Signal

# Sent inside the transaction that cancelled ``registration`` (by ``actor``), after its row is
# saved and before the freed seat is given away. The sender holds the locks of the sprint's row,
# the sites concerned and the registration (``seats.lock_registration``). The teams app takes the
# person out of their team in the same transaction, so a cancelled person is never left in one.
registration_cancelled = Signal()
