from django.conf import settings
from django.utils import timezone

from sprintlab.core.timezones import CANONICAL_ZONE_NAMES, canonical_zone_name


def sprintlab(request):
    # "profile", "browser" or "" (not known yet: app.js converts times to the browser's zone).
    timezone_source = getattr(request, "timezone_source", "")
    return {
        "site_name": "SprintLab",
        "dev_mode": settings.DEV_MODE,
        "current_timezone_name": canonical_zone_name(timezone.get_current_timezone_name()),
        "timezone_source": timezone_source,
        # Only a page that leaves the conversion to the browser needs the table of legacy names.
        "zone_aliases": CANONICAL_ZONE_NAMES if not timezone_source else None,
    }
