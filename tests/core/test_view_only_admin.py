"""The sprint weekend's rows in the admin: every changelist and change page opens for staff, read only,
and a changelist's queries do not grow with its rows."""

import pytest
from django.contrib import admin
from django.urls import reverse

from sprintlab.announcements.models import ReminderRun
from sprintlab.core.admin import ViewOnlyModelAdmin
from sprintlab.mentoring.models import HelpNote
from sprintlab.programme.models import AgendaItem, CalendarFeedToken
from sprintlab.sprints.models import SprintRole
from sprintlab.teamfinder import services as finder_services
from tests.announcements.factories import AnnouncementFactory
from tests.factories import SprintMembershipFactory
from tests.helpers import count_queries
from tests.mentoring.factories import (
    HelpRequestFactory,
    OfficeHourSlotFactory,
    RunningSprintFactory,
    book,
    make_mentor,
)
from tests.notifications.factories import InboxItemFactory, NotificationPreferenceFactory
from tests.programme.factories import ResourceFactory, SessionFactory, SpeakerFactory
from tests.teamfinder.factories import FinderProfileFactory
from tests.teams.factories import JoinRequestFactory, TeamFactory, add_member

pytestmark = pytest.mark.django_db

APPS = ("teams", "teamfinder", "programme", "mentoring", "notifications", "announcements")
WEEKEND_ADMINS = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model, model_admin in admin.site._registry.items()
    if model._meta.app_label in APPS and isinstance(model_admin, ViewOnlyModelAdmin)
)


def weekend():
    """One row (at least) of every model above, in a running sprint."""
    sprint = RunningSprintFactory()
    organiser = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user
    team = TeamFactory(sprint=sprint)
    member = add_member(team)
    JoinRequestFactory(team=team)
    for _ in range(2):
        FinderProfileFactory(sprint=sprint)
    finder_services.grouping_run_create(actor=organiser, sprint=sprint)
    session = SessionFactory(sprint=sprint)
    session.speakers.add(SpeakerFactory(sprint=sprint), through_defaults={"position": 0})
    ResourceFactory(sprint=sprint)
    AgendaItem.objects.create(user=member, session=session)
    CalendarFeedToken.objects.create(user=member)
    mentor = make_mentor(sprint)
    book(OfficeHourSlotFactory(sprint=sprint, mentor=mentor), team, team.lead)
    HelpNote.objects.create(request=HelpRequestFactory(sprint=sprint, requester=member), author=mentor, body="Try it")
    InboxItemFactory(user=member)
    NotificationPreferenceFactory(user=member)
    AnnouncementFactory(sprint=sprint, author=organiser)
    ReminderRun.objects.create(sprint=sprint, moment="kickoff_day")


def test_every_weekend_model_has_a_view_only_admin():
    from django.apps import apps

    registered = {f"{label}.{name}" for label, name in WEEKEND_ADMINS}
    expected = {
        f"{label}.{model._meta.model_name}"
        for label in APPS
        for model in apps.get_app_config(label).get_models()
        if not model._meta.auto_created
    }
    # Through rows shown inside their session, and the outbox (its own admin, with the resend action).
    assert expected - registered == {"programme.sessionspeaker", "notifications.outboxmessage"}


@pytest.mark.parametrize(("app_label", "model_name"), WEEKEND_ADMINS)
def test_changelists_and_change_pages_open_for_staff_without_a_query_per_row(admin_client, app_label, model_name):
    weekend()
    changelist = reverse(f"admin:{app_label}_{model_name}_changelist")
    first = count_queries(admin_client, changelist)
    weekend()
    assert count_queries(admin_client, changelist) == first
    assert admin_client.get(changelist + "?q=a").status_code == 200
    model = next(m for m in admin.site._registry if (m._meta.app_label, m._meta.model_name) == (app_label, model_name))
    row = model.objects.order_by("pk").first()
    page = admin_client.get(reverse(f"admin:{app_label}_{model_name}_change", args=[row.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    if model is CalendarFeedToken:
        assert row.token not in page.content.decode()
