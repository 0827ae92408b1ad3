from django.conf import settings
from django.utils import timezone


def sprintlab(request):
    return {
        "site_name": "SprintLab",
        "dev_mode": settings.DEV_MODE,
        "current_timezone_name": timezone.get_current_timezone_name(),
    }
