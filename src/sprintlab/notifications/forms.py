"""The notification preferences form: an email and an in-app switch per optional kind."""

from django import forms

from sprintlab.notifications.preferences import Channels


class NotificationPreferencesForm(forms.Form):
    """Fields ``<kind>_email`` and ``<kind>_in_app`` for each row of ``selectors.notification_preferences``."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"{row.kind}_email"] = forms.BooleanField(required=False, initial=row.email, label=row.label)
            self.fields[f"{row.kind}_in_app"] = forms.BooleanField(required=False, initial=row.in_app, label=row.label)

    def channels(self) -> dict[str, Channels]:
        return {
            row.kind: Channels(
                email=self.cleaned_data[f"{row.kind}_email"], in_app=self.cleaned_data[f"{row.kind}_in_app"]
            )
            for row in self.rows
        }

    def switches(self):
        """(row, email field, in-app field) per kind, for the template's table."""
        return [(row, self[f"{row.kind}_email"], self[f"{row.kind}_in_app"]) for row in self.rows]
