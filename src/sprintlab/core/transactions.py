"""Running a write again when the database aborted it for a transient conflict.

PostgreSQL may abort a transaction that waits in a lock cycle (deadlock detected, SQLSTATE
40P01) or that cannot be serialised (40001). Services also abort on their own when a row they
read before taking their locks changed before the locks were granted (``RetryTransaction``).
In all three cases nothing was written — the outbox rows of the aborted attempt were in the
same transaction, so no email goes out twice — and running the whole transaction again from a
fresh read is correct. ``retry_on_conflict`` does that at the outermost transaction only: a
nested call cannot restart the transaction that encloses it, so the error goes up to the
caller that can. What still fails after the last attempt reaches the request layer, which
answers 503 "try again" instead of an error page (see ``core.middleware`` and ``api.api``).
"""

from __future__ import annotations

import functools
import logging
import random
import time

from django.db import OperationalError, transaction

logger = logging.getLogger(__name__)

# serialization_failure and deadlock_detected: the transaction was rolled back and may run again.
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01"})
MAX_ATTEMPTS = 5
# The first retry waits up to 5 ms, then twice as long each time (with jitter, so that two
# transactions that collided do not collide again in step).
FIRST_BACKOFF_SECONDS = 0.005
# What pages and the API ask a client to wait before sending a write that still collided.
RETRY_AFTER_SECONDS = 1


class RetryTransaction(Exception):
    """A row read before its lock changed before the lock was granted: start the transaction again."""


def is_transient_conflict(exc: BaseException) -> bool:
    if isinstance(exc, RetryTransaction):
        return True
    return isinstance(exc, OperationalError) and getattr(exc.__cause__, "sqlstate", None) in TRANSIENT_SQLSTATES


def retry_on_conflict(func):
    """Run ``func`` (which opens its own transaction) again when it fails with a transient conflict.

    Put it above ``@transaction.atomic``. Only the outermost call retries; the arguments must
    not be changed by a failed attempt (services lock and re-read their own copies).
    """

    @functools.wraps(func)
    def run(*args, **kwargs):
        if transaction.get_connection().in_atomic_block:
            return func(*args, **kwargs)
        attempt = 1
        while True:
            try:
                return func(*args, **kwargs)
            except (OperationalError, RetryTransaction) as exc:
                if attempt == MAX_ATTEMPTS or not is_transient_conflict(exc):
                    raise
                logger.info(
                    "%s: transient conflict (%s), attempt %s of %s", func.__qualname__, exc, attempt, MAX_ATTEMPTS
                )
            time.sleep(random.uniform(0, FIRST_BACKOFF_SECONDS * 2 ** (attempt - 1)))
            attempt += 1

    return run
