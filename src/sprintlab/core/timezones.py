"""Time zone names as people should read them: the canonical IANA name, never a legacy alias.

Browsers built on ICU (Chromium, Safari) report some zones by names that IANA has since renamed:
Chromium in India reports "Asia/Calcutta", not "Asia/Kolkata". Those names still work with
``zoneinfo``, but pages, forms and stored profiles use the current name. The table is the list of
ICU's legacy identifiers plus the few old names that zone lists still carry; it is also sent to
the browser (see ``templates/base.html``) so that the script that converts times shows the same name.
"""

import zoneinfo

CANONICAL_ZONE_NAMES = {
    "Africa/Asmera": "Africa/Asmara",
    "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
    "America/Catamarca": "America/Argentina/Catamarca",
    "America/Coral_Harbour": "America/Atikokan",
    "America/Cordoba": "America/Argentina/Cordoba",
    "America/Godthab": "America/Nuuk",
    "America/Indianapolis": "America/Indiana/Indianapolis",
    "America/Jujuy": "America/Argentina/Jujuy",
    "America/Louisville": "America/Kentucky/Louisville",
    "America/Mendoza": "America/Argentina/Mendoza",
    "Asia/Calcutta": "Asia/Kolkata",
    "Asia/Katmandu": "Asia/Kathmandu",
    "Asia/Rangoon": "Asia/Yangon",
    "Asia/Saigon": "Asia/Ho_Chi_Minh",
    "Atlantic/Faeroe": "Atlantic/Faroe",
    "Etc/GMT": "UTC",
    "Etc/UTC": "UTC",
    "Europe/Kiev": "Europe/Kyiv",
    "Europe/Uzhgorod": "Europe/Kyiv",
    "Europe/Zaporozhye": "Europe/Kyiv",
    "Pacific/Enderbury": "Pacific/Kanton",
    "Pacific/Ponape": "Pacific/Pohnpei",
    "Pacific/Truk": "Pacific/Chuuk",
}


def canonical_zone_name(name: str) -> str:
    """``name`` by its current IANA name (Asia/Calcutta -> Asia/Kolkata); other names unchanged."""
    return CANONICAL_ZONE_NAMES.get(name, name)


def resolve_timezone(name: str | None) -> zoneinfo.ZoneInfo | None:
    """The zone called ``name`` (by its canonical name), or None when it is empty or unknown."""
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(canonical_zone_name(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
