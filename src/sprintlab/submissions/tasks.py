"""Background work on a submitted report: its text (for search and judge matching) and a thumbnail."""

from django_tasks import task

from sprintlab.submissions import pdf, services
from sprintlab.submissions.models import SubmissionVersion


@task()
def process_version(version_id: int) -> bool:
    """Extract the text and render the first page of one version's report; False when it is gone."""
    version = SubmissionVersion.objects.filter(pk=version_id).first()
    if version is None or not version.report:
        return False
    with version.report.open("rb") as report:
        text = pdf.extract_text(report)
        report.seek(0)
        thumbnail = pdf.render_thumbnail(report)
    return services.version_processed(version_id=version_id, text=text, thumbnail=thumbnail) is not None


@task()
def sweep_orphaned_files() -> int:
    """Delete stored files that no submission names (left by a process that died mid-save)."""
    return services.orphaned_files_sweep()
