"""Signals through which higher apps take part in changes made here, without this app importing them."""

from django.dispatch import Signal

# Sent inside the transaction that withdraws a site, once the site's row is locked and before it
# changes. A receiver refuses the withdrawal by raising ``Conflict`` (the whole transaction rolls
# back): the registrations app does so while people are registered at the site.
site_withdrawing = Signal()
