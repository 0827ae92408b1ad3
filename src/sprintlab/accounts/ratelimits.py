"""Rate limits that allauth's own cannot express: password guessing and looking people up by email.

Sign-in throttling is keyed by the (account, address) pair, so that a stranger guessing from
elsewhere never locks a participant out, and a busy address slows its own guesses without refusing
anyone's correct password. Every count lives in the Django cache: with ``REDIS_URL`` set, all app
processes share it. docs/accounts.md ("Rate limits") states the numbers for people.
"""

import hashlib
import ipaddress
import time

from django.core.cache import cache
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from sprintlab.core.errors import TooManyRequests

# Password attempts an (account, address) pair gets before each further one must wait.
FREE_ATTEMPTS = 5
# From an address with many recent failures (across accounts), a pair gets one free attempt only.
BUSY_ADDRESS_FAILURES = 50
BUSY_ADDRESS_FREE_ATTEMPTS = 1
ADDRESS_WINDOW_SECONDS = 60 * 60
# The wait after each attempt past the free ones: 30 s, 1 min, 2 min, … at most one hour.
FIRST_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 60 * 60
# A pair's unsuccessful attempts are forgotten a day after the first one, or at a correct sign-in.
ATTEMPT_MEMORY_SECONDS = 24 * 60 * 60

# Sign-in codes one (email, address) pair may ask for per minute.
LOGIN_CODES_PER_MINUTE = 3

# Different email addresses a signed-in person may look up (to add organisers) per hour.
EMAIL_LOOKUPS_PER_HOUR = 30
EMAIL_LOOKUP_WINDOW_SECONDS = 60 * 60
LOOKUP_BUDGET_HELP = format_lazy(_("You can look up {} different addresses an hour."), EMAIL_LOOKUPS_PER_HOUR)


def _cache_key(kind: str, *parts: str) -> str:
    # Hashed: addresses and IPs never appear in the cache's key space.
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"sprintlab:rl:{kind}:{digest}"


def network_of(ip: str) -> str:
    """The address as throttled: IPv4 as is, IPv6 by its /64 (one household or host gets a whole /64)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def _increment(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        return 1


def _pair_keys(email: str, address: str) -> tuple[str, str]:
    email = email.strip().lower()
    return _cache_key("signin-attempts", email, address), _cache_key("signin-wait", email, address)


def _address_failures_key(address: str) -> str:
    return _cache_key("signin-address-failures", address)


def delay_after(attempt: int, *, free_attempts: int) -> int:
    """Seconds the pair must wait after its ``attempt``-th unsuccessful attempt (0 while still free)."""
    if attempt <= free_attempts:
        return 0
    return min(FIRST_DELAY_SECONDS * 2 ** (attempt - free_attempts - 1), MAX_DELAY_SECONDS)


def password_attempt_begin(*, email: str, address: str) -> bool:
    """Reserve one password check for (email, address); False while that pair must still wait.

    The attempt is counted before the password is checked, and a lock for the next one is taken with
    an atomic ``cache.add``, so parallel guesses cannot slip through together.
    """
    attempts_key, wait_key = _pair_keys(email, address)
    if cache.get(wait_key):
        return False
    attempt = _increment(attempts_key, ATTEMPT_MEMORY_SECONDS)
    busy = cache.get(_address_failures_key(address), 0) >= BUSY_ADDRESS_FAILURES
    delay = delay_after(attempt, free_attempts=BUSY_ADDRESS_FREE_ATTEMPTS if busy else FREE_ATTEMPTS)
    if not delay or cache.add(wait_key, True, delay):
        return True
    # Another request took this turn: a refused attempt is not a guess and must not lengthen the wait.
    cache.decr(attempts_key)
    return False


def password_attempt_succeeded(*, email: str, address: str) -> None:
    cache.delete_many(_pair_keys(email, address))


def password_attempt_failed(*, address: str) -> None:
    _increment(_address_failures_key(address), ADDRESS_WINDOW_SECONDS)


def login_code_request_allowed(*, email: str, address: str) -> bool:
    """Count one request for an emailed sign-in code; False past the pair's limit this minute."""
    key = _cache_key("login-code", email.strip().lower(), address)
    return _increment(key, 60) <= LOGIN_CODES_PER_MINUTE


def email_lookups_charge(*, user, emails: list[str]) -> None:
    """Count the addresses ``user`` looks up by email; refuse (429) past the hourly budget.

    Looking up the same address again is free, so correcting a form costs nothing. Raises
    ``TooManyRequests`` before any lookup happens, so an exhausted budget reveals nothing.
    """
    wanted = {hashlib.sha256(email.strip().lower().encode()).hexdigest() for email in emails if email.strip()}
    if not wanted:
        return
    key = _cache_key("email-lookups", str(user.pk))
    now = time.time()
    # The window runs from the first lookup and is not extended by later ones.
    expires_at, seen = cache.get(key, (now + EMAIL_LOOKUP_WINDOW_SECONDS, []))
    new = wanted - set(seen)
    if not new:
        return
    if len(seen) + len(new) > EMAIL_LOOKUPS_PER_HOUR:
        raise TooManyRequests(
            _(
                "You have looked up %(limit)d different email addresses in the last hour, the most allowed. "
                "Try again later."
            )
            % {"limit": EMAIL_LOOKUPS_PER_HOUR}
        )
    cache.set(key, (expires_at, [*seen, *sorted(new)]), max(1, int(expires_at - now)))
