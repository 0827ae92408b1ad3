"""Forms of the submission pages. They only shape input; the services check the rules and the files."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from sprintlab.core.forms import WindowedDateTimeField
from sprintlab.core.uploads import file_too_large_message
from sprintlab.sprints.models import Track
from sprintlab.submissions.models import InfoHazard, Submission
from sprintlab.submissions.services import MAX_APPENDICES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; the service checks how many and how big."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class SubmissionForm(forms.ModelForm):
    """The team's project. The file fields come last: the page's upload limit stops reading at the
    first file of an oversize request, and the text fields before it are still there to show again."""

    report = forms.FileField(
        label=_("Report (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    appendices = MultipleFileField(label=_("Appendix files"), required=False)
    code_url = forms.URLField(
        label=_("Code repository"), required=False, max_length=200, assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://github.com/…"}),
    )  # fmt: skip
    video_url = forms.URLField(
        label=_("Video"), required=False, max_length=200, assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://…"}),
    )  # fmt: skip

    class Meta:
        model = Submission
        # The links are declared above (https by default), so they are not generated from the model.
        fields = ["title", "abstract", "track", "info_hazard", "info_hazard_note"]
        widgets = {
            "abstract": forms.Textarea(attrs={"rows": 6}),
            "info_hazard": forms.RadioSelect,
            "info_hazard_note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "abstract": _("What you did and found, in a paragraph; judges read it first."),
            "info_hazard": _("Could publishing this help someone build dangerous capabilities?"),
            "info_hazard_note": _("Needed when you answer “possibly” or “yes”: what, and why it matters."),
        }

    field_order = ["title", "abstract", "track", "code_url", "video_url", "info_hazard", "info_hazard_note"]

    def __init__(self, *args, sprint, has_report: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("code_url", self.instance.code_url)
            self.initial.setdefault("video_url", self.instance.video_url)
        limit = filesizeformat(settings.UPLOAD_FILE_MAX_BYTES)
        self.fields["track"].queryset = Track.objects.filter(sprint=sprint).order_by("position", "id")
        self.fields["track"].empty_label = _("No particular track")
        if not self.fields["track"].queryset.exists():
            del self.fields["track"]
        self.fields["info_hazard"].choices = InfoHazard.choices
        self.fields["report"].widget.attrs["data-max-bytes"] = settings.UPLOAD_FILE_MAX_BYTES
        self.fields["report"].help_text = (
            _("Up to %(limit)s. Leave empty to keep the report you uploaded last.") % {"limit": limit}
            if has_report
            else _("Up to %(limit)s.") % {"limit": limit}
        )
        self.fields["appendices"].widget.attrs["data-max-bytes"] = settings.UPLOAD_FILE_MAX_BYTES
        for name in ("report", "appendices"):
            self.fields[name].widget.attrs["data-too-big"] = file_too_large_message()
        self.fields["appendices"].help_text = _(
            "Optional: data, figures, notebooks; up to %(count)d files of %(limit)s each. Leave empty to keep "
            "the last version's. They are offered as downloads only."
        ) % {"count": MAX_APPENDICES, "limit": limit}


class ExtensionForm(forms.Form):
    until = WindowedDateTimeField(
        label=_("Extended until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In your time zone. Leave empty to take the extension back."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
