"""Form fields shared by the apps' page forms."""

from datetime import datetime

from django import forms

from sprintlab.core.dates import localtime_or_none
from sprintlab.core.validators import validate_datetime_in_window


class WindowedDateTimeField(forms.DateTimeField):
    """A time inside the accepted window, read in the viewer's zone.

    A stored value too close to datetime's limits to move to the viewer's zone is shown as it is
    (in UTC) rather than failing the page, so the person can see it and correct it.
    """

    default_validators = [validate_datetime_in_window]

    def prepare_value(self, value):
        if isinstance(value, datetime) and localtime_or_none(value) is None:
            return value
        return super().prepare_value(value)
