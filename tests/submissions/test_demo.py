"""The demo's past sprints have submissions with real small PDFs, versions and authors."""

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from sprintlab.submissions import pdf
from sprintlab.submissions.models import Submission, SubmissionAuthor, SubmissionVersion

pytestmark = pytest.mark.django_db


def test_the_demo_has_submissions_in_its_past_sprints():
    call_command("seed_demo", "--scale", "small", "--verbosity", "0")
    now = timezone.now()
    submissions = Submission.objects.select_related("sprint")
    assert submissions.count() > 50
    assert all(s.sprint.submission_deadline_at <= now for s in submissions)
    assert not Submission.objects.filter(last_submitted_at__gt=F("sprint__submission_deadline_at")).exists()
    assert SubmissionVersion.objects.count() > submissions.count()
    assert SubmissionAuthor.objects.count() >= submissions.count()
    assert set(Submission.objects.values_list("info_hazard", flat=True)) >= {"none", "possible"}
    latest = SubmissionVersion.objects.order_by("-id").first()
    with latest.report.open("rb") as report:
        assert pdf.check_report(report).pages == latest.report_pages
