"""Benchmarks for SprintLab: ``python -m benchmarks`` (or ``make bench``) runs them and prints a table.

They start their own production servers (gunicorn) on 127.0.0.1, talk only to those, stop by
themselves after a bounded number of requests or seconds, and stop the servers afterwards.
"""
