"""Deterministic demo data shaped like the organisation's history (``sprintlab seed-demo``)."""
