"""Checks on profile input that forms, the API and services share."""

import re
import zoneinfo
from functools import cache
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sprintlab.core.timezones import canonical_zone_name

MAX_TAGS = 20
MAX_TAG_LENGTH = 60
ORCID_PATTERN = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
ORCID_URL_PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/")
# Scholar answers on many national domains; people paste whichever their browser used.
SCHOLAR_HOSTS = ("scholar.google.com",) + tuple(
    f"scholar.google.{tld}"
    for tld in ("co.uk", "de", "fr", "ca", "co.in", "com.br", "co.jp", "es", "it", "nl", "com.au", "ch", "se")
)


@cache
def timezone_names() -> tuple[str, ...]:
    """Every zone the interpreter knows, sorted, by canonical name only (Asia/Kolkata, not Asia/Calcutta)."""
    return tuple(
        sorted(
            name
            for name in zoneinfo.available_timezones()
            if ("/" in name or name == "UTC") and canonical_zone_name(name) == name
        )
    )


def orcid_checksum_ok(digits: str) -> bool:
    """ISO 7064 MOD 11-2 over the first 15 digits; the 16th is the check digit (X means 10)."""
    total = 0
    for digit in digits[:-1]:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))


def normalise_orcid(value: str) -> str:
    """Return the bare iD (0000-0002-1825-0097) for an iD or an orcid.org link, or raise."""
    value = (value or "").strip()
    if not value:
        return ""
    for prefix in ORCID_URL_PREFIXES:
        if value.lower().startswith(prefix):
            value = value[len(prefix) :].strip("/")
            break
    value = value.upper()
    if not ORCID_PATTERN.match(value):
        raise ValidationError(
            _("An ORCID iD has four groups of four digits, e.g. 0000-0002-1825-0097."), code="orcid_format"
        )
    if not orcid_checksum_ok(value.replace("-", "")):
        raise ValidationError(
            _("This ORCID iD’s last character does not match its checksum: please check for a typo."),
            code="orcid_checksum",
        )
    return value


def validate_link_host(value: str, *, hosts: tuple[str, ...], site: str, example: str) -> None:
    """Refuse a link to another site than ``site`` (e.g. a Scholar link in the GitHub field)."""
    if not value:
        return
    host = (urlsplit(value).hostname or "").lower()
    if not any(host == allowed or host.endswith("." + allowed) for allowed in hosts):
        raise ValidationError(
            _("Enter a link to your %(site)s page, e.g. %(example)s.") % {"site": site, "example": example},
            code="wrong_host",
        )


def validate_github_url(value: str) -> None:
    validate_link_host(value, hosts=("github.com",), site="GitHub", example="https://github.com/your-name")


def validate_scholar_url(value: str) -> None:
    validate_link_host(
        value,
        hosts=SCHOLAR_HOSTS,
        site="Google Scholar",
        example="https://scholar.google.com/citations?user=…",
    )


def parse_tag_names(value: str | list[str] | None) -> list[str]:
    """Split comma-separated tags; trim, squash spaces, drop duplicates (ignoring case), keep order.

    Raises one ValidationError listing every problem, so the person can fix them all at once.
    """
    if value is None:
        return []
    parts = value.split(",") if isinstance(value, str) else [str(part) for part in value]
    names: list[str] = []
    seen: set[str] = set()
    errors: list[ValidationError] = []
    for part in parts:
        name = " ".join(part.split())
        if not name:
            continue
        if len(name) > MAX_TAG_LENGTH:
            errors.append(
                ValidationError(
                    _("“%(tag)s…” is too long: a tag has at most %(max)d characters."),
                    code="tag_too_long",
                    params={"tag": name[:20], "max": MAX_TAG_LENGTH},
                )
            )
            continue
        if name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    if len(names) > MAX_TAGS:
        errors.append(
            ValidationError(
                ngettext("Choose at most %(max)d tag.", "Choose at most %(max)d tags (you gave %(count)d).", MAX_TAGS),
                code="too_many_tags",
                params={"max": MAX_TAGS, "count": len(names)},
            )
        )
    if errors:
        raise ValidationError(errors)
    return names
