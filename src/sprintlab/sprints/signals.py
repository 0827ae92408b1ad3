"""Signals through which higher apps react to changes made here, without this app importing them."""

from django.dispatch import Signal

# Sent inside the transaction that changed the capacity of a sprint (``site=None``) or of one of
# its sites (``site``). The sender has locked the sprint's row first and, for a site, every site
# of the sprint by ascending id before writing it, so that receivers keep the global lock order
# (sprint, sites by id, registrations). The registrations app gives the new seats to waiting people.
capacity_changed = Signal()
