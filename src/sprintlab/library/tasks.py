from django_tasks import task

from sprintlab.library import notify


@task()
def announce_results(sprint_id: int) -> int:
    return notify.results_announce(sprint_id=sprint_id)
