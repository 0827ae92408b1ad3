"""Form fields shared by the apps' page forms, and the one helper that puts a service's refusal on a form."""

from collections.abc import Mapping
from datetime import datetime

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

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


def add_service_error(form, exc: ValidationError, field_map: Mapping[str, str] | None = None) -> None:
    """Show a service's refusal on ``form``: each message next to the field it names, the rest on top.

    ``field_map`` renames a service's argument to the form field that collects it (``site`` →
    ``place``). A message for a field the form does not have goes to the top of the form, prefixed
    with the field's name so that the person knows what it is about.
    The one helper for this: pages never copy it.
    """
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    field_map = field_map or {}
    for field, messages in exc.message_dict.items():
        name = field_map.get(field, field)
        if name in form.fields:
            form.add_error(name, messages)
        elif field == NON_FIELD_ERRORS:
            form.add_error(None, messages)
        else:
            form.add_error(None, [f"{field}: {message}" for message in messages])
