"""Every service names who acts (``actor``) and checks that person's permission itself.

The rule (docs/style-guide.md): a write is a keyword-only service that takes ``actor`` and refuses
with a ``ServiceError`` when the actor may not do it, so the API, pages, admin and tasks cannot
forget the check. Only the few functions below take no actor, each for the reason given.
"""

import importlib
import inspect
import pkgutil

import pytest

import sprintlab
from sprintlab.core.errors import PermissionDeniedError
from tests.factories import (
    LocalSiteFactory,
    RegistrationFactory,
    SprintFactory,
    SprintMembershipFactory,
    UserFactory,
)

# Modules whose public functions are services: each app's ``services``, and the registrations
# app's admissions and day-of-event writes.
SERVICE_MODULES = {
    "sprintlab.accounts.services",
    "sprintlab.notifications.services",
    "sprintlab.notifications.inbox",
    "sprintlab.notifications.preferences",
    "sprintlab.sprints.services",
    "sprintlab.localsites.services",
    "sprintlab.registrations.services",
    "sprintlab.registrations.admissions",
    "sprintlab.registrations.attendance",
    "sprintlab.programme.services",
    "sprintlab.programme.services_resources",
    "sprintlab.mentoring.services",
    "sprintlab.mentoring.helpdesk",
    "sprintlab.announcements.services",
    "sprintlab.teams.services",
    "sprintlab.teams.departures",
    "sprintlab.teamfinder.services",
    "sprintlab.judging.services",
    "sprintlab.judging.scoring",
    "sprintlab.judging.assignment_runs",
    "sprintlab.judging.localround",
    "sprintlab.judging.extra_reviews",
    "sprintlab.judging.comparisons",
    "sprintlab.submissions.services",
    "sprintlab.library.services",
}
NO_ACTOR = {
    # The outbox is infrastructure: services call it inside their own transaction, after checking
    # their actor; the worker delivers and requeues on nobody's behalf.
    "sprintlab.notifications.services.outbox_enqueue": "written by a service that checked its actor",
    "sprintlab.notifications.services.outbox_deliver": "the task worker sends; nobody acts",
    "sprintlab.notifications.services.outbox_requeue_stale": "the task worker's sweep; nobody acts",
    "sprintlab.notifications.services.outbox_render": "renders a queued email's body; no decision",
    "sprintlab.notifications.services.render_body": "renders a template; writes nothing",
    "sprintlab.notifications.services.message_is_rendered": "a question about a row; writes nothing",
    "sprintlab.notifications.inbox.inbox_add": "written by a service that checked its actor",
    "sprintlab.notifications.inbox.inbox_add_many": "written by a service that checked its actor",
    # The offer-expiry sweep runs every few minutes as a task, for everyone's offers.
    "sprintlab.registrations.admissions.registrations_expire_offers": "the task worker's sweep; nobody acts",
    "sprintlab.mentoring.helpdesk.help_alert_unclaimed": "the task worker's periodic alert; nobody acts",
    "sprintlab.submissions.services.version_processed": "the task worker stores a report's text; nobody acts",
    "sprintlab.submissions.services.orphaned_files_sweep": "the task worker's sweep; nobody acts",
    "sprintlab.library.services.certificates_issue_all": "the results task issues them; nobody acts",
    # Reads that the service and the demo share: they decide nothing and write nothing.
    "sprintlab.judging.extra_reviews.extra_review_candidates": "reads who may review; writes nothing",
    "sprintlab.judging.extra_reviews.extra_review_reason": "writes a sentence; no decision",
}


def service_functions():
    for name in sorted(SERVICE_MODULES):
        module = importlib.import_module(name)
        for function_name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == name and not function_name.startswith("_"):
                yield f"{name}.{function_name}", function


def test_every_module_that_writes_audited_rows_is_a_service_module():
    """A new module of services (it records audit entries) must join the list, and so the rule."""
    writing = set()
    for module_info in pkgutil.walk_packages(sprintlab.__path__, "sprintlab."):
        if module_info.ispkg or ".migrations." in module_info.name or module_info.name == "sprintlab.core.audit":
            continue
        module = importlib.import_module(module_info.name)
        if "record_audit" in vars(module):
            writing.add(module_info.name)
    assert writing <= SERVICE_MODULES


@pytest.mark.parametrize("name", [name for name, _function in service_functions()])
def test_every_service_takes_an_actor_keyword(name):
    function = dict(service_functions())[name]
    if name in NO_ACTOR:
        assert "actor" not in inspect.signature(function).parameters, f"{name} takes an actor: drop it from NO_ACTOR"
        return
    parameters = inspect.signature(function).parameters
    assert "actor" in parameters, f"{name} does not say who acts; add actor= or justify it in NO_ACTOR"
    assert parameters["actor"].kind is inspect.Parameter.KEYWORD_ONLY
    assert all(
        p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.VAR_KEYWORD) for p in parameters.values()
    ), f"{name} takes positional arguments"


def test_the_allowlist_names_only_existing_functions():
    assert set(NO_ACTOR) <= {name for name, _function in service_functions()}


# --- Each service refuses a stranger by itself, whoever calls it --------------------------------


def _refused(call) -> None:
    with pytest.raises(PermissionDeniedError):
        call()


@pytest.mark.django_db
def test_sprint_services_refuse_a_stranger():
    from sprintlab.sprints import services

    stranger, sprint = UserFactory(), SprintFactory()
    membership = SprintMembershipFactory(sprint=sprint)
    _refused(lambda: services.sprint_update(actor=stranger, sprint=sprint, values={"title": "Mine now"}))
    _refused(lambda: services.sprint_clone(actor=stranger, source=sprint, kickoff_at=sprint.kickoff_at, slug="copy"))
    _refused(lambda: services.sprint_membership_add(actor=stranger, sprint=sprint, user=stranger, role="organiser"))
    _refused(lambda: services.sprint_membership_remove(actor=stranger, membership=membership))
    _refused(lambda: services.partner_create(actor=stranger, name="Mine"))
    sprint.refresh_from_db()
    assert sprint.title != "Mine now" and sprint.memberships.count() == 1


@pytest.mark.django_db
def test_registration_services_refuse_someone_else():
    from sprintlab.registrations import admissions, services

    stranger = UserFactory()
    offered = RegistrationFactory(status="offered")
    _refused(lambda: services.registration_confirm_offer(actor=stranger, registration=offered))
    _refused(lambda: services.registration_cancel(actor=stranger, registration=offered))
    _refused(lambda: services.registration_switch(actor=stranger, registration=offered, site=None))
    _refused(
        lambda: admissions.admission_wave_create(
            actor=stranger,
            sprint=offered.sprint,
            admit=[],
            waitlist=[],
            decline=[offered.pk],
            message="",
            confirm_by=None,
        )
    )
    offered.refresh_from_db()
    assert offered.status == "offered"


@pytest.mark.django_db
def test_accounts_services_refuse_a_visitor():
    from django.contrib.auth.models import AnonymousUser

    from sprintlab.accounts import services

    _refused(lambda: services.api_token_create(actor=AnonymousUser(), name="ci"))
    _refused(lambda: services.profile_update(actor=AnonymousUser(), display_name="Nobody"))


@pytest.mark.django_db
def test_site_services_refuse_a_stranger():
    from sprintlab.localsites import services

    site, stranger = LocalSiteFactory(), UserFactory()
    _refused(lambda: services.site_application_withdraw(actor=stranger, site=site))
    _refused(lambda: services.site_application_approve(actor=stranger, site=site))
