from datetime import timedelta

import pytest
from django.utils import timezone

from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.core.models import AuditEntry
from sprintlab.programme import services, services_resources
from sprintlab.programme.models import AgendaItem, CalendarFeedToken, Resource, ResourceCategory, Session, SessionKind
from sprintlab.registrations.models import RegistrationStatus
from sprintlab.sprints.models import SprintRole
from tests.factories import (
    LocalSiteFactory,
    PastSprintFactory,
    RegistrationFactory,
    SiteOrganiserFactory,
    SprintFactory,
    SprintMembershipFactory,
    UserFactory,
)
from tests.programme.factories import ResourceFactory, SessionFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sprint():
    return SprintFactory()


@pytest.fixture
def organiser(sprint):
    return SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user


def _times(sprint, hours=1):
    return {
        "starts_at": sprint.kickoff_at + timedelta(hours=hours),
        "ends_at": sprint.kickoff_at + timedelta(hours=hours + 1),
    }


def test_an_organiser_adds_a_session_with_speakers_in_order(sprint, organiser):
    first, second = SpeakerFactory(sprint=sprint, name="Zoe"), SpeakerFactory(sprint=sprint, name="Amir")
    session = services.session_create(
        actor=organiser,
        sprint=sprint,
        kind=SessionKind.TALK,
        title="Probing",
        online_url="https://meet.example.org/x",
        speakers=[first, second],
        **_times(sprint),
    )
    assert [link.speaker for link in session.speaker_links.all()] == [first, second]
    assert session.sequence == 0
    assert AuditEntry.objects.filter(action="session.create", target_id=str(session.pk)).exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"online_url": ""}, "online_url"),
        ({"ends_at": "same as start"}, "ends_at"),
        ({"starts_at": "years before"}, "starts_at"),
    ],
)
def test_bad_sessions_are_refused_and_nothing_is_saved(sprint, organiser, changes, field):
    arguments = {"kind": SessionKind.TALK, "title": "T", "online_url": "https://meet.example.org/x", **_times(sprint)}
    if changes.get("ends_at") == "same as start":
        changes = {"ends_at": arguments["starts_at"]}
    elif changes.get("starts_at") == "years before":
        changes = {"starts_at": sprint.announced_at - timedelta(days=400)}
    arguments.update(changes)
    with pytest.raises(ServiceError) as refused:
        services.session_create(actor=organiser, sprint=sprint, **arguments)
    assert field in refused.value.message_dict
    assert not Session.objects.exists()


def test_a_site_of_another_sprint_or_a_foreign_speaker_is_refused(sprint, organiser):
    other_site = LocalSiteFactory()
    with pytest.raises(ServiceError) as refused:
        services.session_create(
            actor=organiser, sprint=sprint, kind=SessionKind.TALK, title="T", site=other_site, **_times(sprint)
        )
    assert "site" in refused.value.message_dict
    with pytest.raises(ServiceError) as refused:
        services.session_create(
            actor=organiser,
            sprint=sprint,
            kind=SessionKind.TALK,
            title="T",
            online_url="https://x.example.org",
            speakers=[SpeakerFactory()],
            **_times(sprint),
        )
    assert "speakers" in refused.value.message_dict


def test_site_organisers_add_sessions_at_their_own_site_only(sprint):
    site, other = LocalSiteFactory(sprint=sprint), LocalSiteFactory(sprint=sprint)
    lead = SiteOrganiserFactory(site=site).user
    session = services.session_create(
        actor=lead, sprint=sprint, kind=SessionKind.CHECK_IN, title="Morning stand-up", site=site, **_times(sprint)
    )
    assert session.site == site
    for place in (other, None):
        with pytest.raises(PermissionDeniedError):
            services.session_create(
                actor=lead,
                sprint=sprint,
                kind=SessionKind.TALK,
                title="T",
                site=place,
                online_url="https://x.example.org",
                **_times(sprint),
            )
    with pytest.raises(PermissionDeniedError):
        services.session_update(actor=lead, session=session, site=other)
    with pytest.raises(PermissionDeniedError):
        services.session_create(
            actor=UserFactory(),
            sprint=sprint,
            kind=SessionKind.TALK,
            title="T",
            online_url="https://x.example.org",
            **_times(sprint),
        )


def test_moving_a_session_raises_its_sequence_and_keeps_its_uid(sprint, organiser):
    session = SessionFactory(sprint=sprint)
    uid = session.uid
    moved = services.session_update(
        actor=organiser,
        session=session,
        starts_at=session.starts_at + timedelta(hours=2),
        ends_at=session.ends_at + timedelta(hours=2),
    )
    assert (moved.uid, moved.sequence) == (uid, 1)
    same = services.session_update(actor=organiser, session=moved, description="More detail.")
    assert same.sequence == 1  # a description is not shown as a change by calendars
    renamed = services.session_update(actor=organiser, session=same, title="New title")
    assert renamed.sequence == 2


def test_cancelling_marks_the_session_and_freezes_it(sprint, organiser):
    session = services.session_cancel(actor=organiser, session=SessionFactory(sprint=sprint))
    assert session.cancelled_at is not None and session.sequence == 1
    with pytest.raises(Conflict):
        services.session_cancel(actor=organiser, session=session)
    with pytest.raises(Conflict):
        services.session_update(actor=organiser, session=session, title="Again")


def test_only_registered_people_keep_an_agenda(sprint):
    session = SessionFactory(sprint=sprint)
    participant = RegistrationFactory(sprint=sprint).user
    item, created = services.agenda_add(actor=participant, session=session)
    assert created
    assert services.agenda_add(actor=participant, session=session) == (item, False)
    with pytest.raises(PermissionDeniedError):
        services.agenda_add(actor=UserFactory(), session=session)
    cancelled = RegistrationFactory(sprint=sprint, status=RegistrationStatus.CANCELLED).user
    with pytest.raises(PermissionDeniedError):
        services.agenda_add(actor=cancelled, session=session)
    assert services.agenda_remove(actor=participant, session=session) is True
    assert services.agenda_remove(actor=participant, session=session) is False
    assert not AgendaItem.objects.exists()


def test_a_cancelled_or_finished_session_cannot_be_starred(sprint, organiser):
    participant = RegistrationFactory(sprint=sprint).user
    cancelled = services.session_cancel(actor=organiser, session=SessionFactory(sprint=sprint))
    with pytest.raises(Conflict):
        services.agenda_add(actor=participant, session=cancelled)
    running = SprintFactory(kickoff_at=timezone.now() - timedelta(hours=5))
    RegistrationFactory(sprint=running, user=participant)
    over = SessionFactory(sprint=running)
    with pytest.raises(Conflict):
        services.agenda_add(actor=participant, session=over)


def test_resetting_the_feed_token_replaces_it():
    user = UserFactory()
    first = services.calendar_feed_token_get_or_create(actor=user).token
    assert services.calendar_feed_token_get_or_create(actor=user).token == first
    second = services.calendar_feed_token_reset(actor=user).token
    assert second != first
    assert CalendarFeedToken.objects.get(user=user).token == second


def test_speakers_are_kept_by_the_sprints_organisers(sprint, organiser):
    speaker = services.speaker_create(actor=organiser, sprint=sprint, name="Mira", affiliation="EleutherAI")
    speaker = services.speaker_update(actor=organiser, speaker=speaker, bio="Evals.")
    assert speaker.bio == "Evals."
    with pytest.raises(PermissionDeniedError):
        services.speaker_create(actor=UserFactory(), sprint=sprint, name="X")
    with pytest.raises(ServiceError):
        services.speaker_create(actor=organiser, sprint=sprint, name="X", link="not a url")


def test_resources_are_added_moved_and_removed(sprint, organiser):
    first = services_resources.resource_create(
        actor=organiser, sprint=sprint, category=ResourceCategory.READING, title="A", url="https://a.example.org"
    )
    second = services_resources.resource_create(
        actor=organiser, sprint=sprint, category=ResourceCategory.READING, title="B", url="https://b.example.org"
    )
    services_resources.resource_create(
        actor=organiser, sprint=sprint, category=ResourceCategory.DATASETS, title="C", url="https://c.example.org"
    )
    services_resources.resource_move(actor=organiser, resource=second, direction="up")
    assert list(
        Resource.objects.filter(sprint=sprint, category="reading").order_by("position").values_list("title", flat=True)
    ) == ["B", "A"]
    services_resources.resource_move(actor=organiser, resource=second, direction="up")  # already first: nothing changes
    assert list(
        Resource.objects.filter(sprint=sprint, category="reading").order_by("position").values_list("title", flat=True)
    ) == ["B", "A"]
    services_resources.resource_delete(actor=organiser, resource=first)
    assert Resource.objects.filter(sprint=sprint).count() == 2
    with pytest.raises(ServiceError):
        services_resources.resource_move(actor=organiser, resource=second, direction="sideways")
    with pytest.raises(PermissionDeniedError):
        services_resources.resource_create(
            actor=UserFactory(), sprint=sprint, category="reading", title="X", url="https://x.example.org"
        )


def test_resources_are_copied_from_a_past_sprint_in_order(sprint, organiser):
    past = PastSprintFactory()
    ResourceFactory(sprint=past, title="Second", position=2)
    ResourceFactory(sprint=past, title="First", position=1)
    ResourceFactory(sprint=sprint, title="Existing", position=1)
    copies = services_resources.resources_copy_from(actor=organiser, sprint=sprint, source_sprint=past)
    assert [copy.title for copy in copies] == ["First", "Second"]
    titles = list(Resource.objects.filter(sprint=sprint).order_by("position").values_list("title", flat=True))
    assert titles == ["Existing", "First", "Second"]
    assert Resource.objects.filter(sprint=past).count() == 2
    with pytest.raises(ServiceError):
        services_resources.resources_copy_from(actor=organiser, sprint=sprint, source_sprint=sprint)
    draft = SprintFactory(is_published=False)
    with pytest.raises(ServiceError):
        services_resources.resources_copy_from(actor=organiser, sprint=sprint, source_sprint=draft)


def test_sessions_sit_at_approved_sites_only(sprint, organiser):
    from sprintlab.localsites.models import SiteStatus

    pending = LocalSiteFactory(sprint=sprint, status=SiteStatus.PENDING)
    applicant = SiteOrganiserFactory(site=pending).user
    with pytest.raises(PermissionDeniedError):
        services.session_create(
            actor=applicant, sprint=sprint, kind=SessionKind.CHECK_IN, title="T", site=pending, **_times(sprint)
        )
    with pytest.raises(ServiceError) as refused:
        services.session_create(
            actor=organiser, sprint=sprint, kind=SessionKind.CHECK_IN, title="T", site=pending, **_times(sprint)
        )
    assert "site" in refused.value.message_dict
    assert not Session.objects.exists()
