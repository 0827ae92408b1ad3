from datetime import UTC, datetime, timedelta

import pytest

from sprintlab.core.errors import ServiceError
from sprintlab.core.models import AuditEntry
from sprintlab.sprints.models import Prize, Sprint, SprintMembership, SprintRole, Track
from sprintlab.sprints.services import (
    SHIFTED_FIELDS,
    partner_create,
    sprint_clone,
    sprint_create,
    sprint_membership_add,
    sprint_update,
)
from tests.factories import PartnerFactory, SprintFactory, SprintMembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

KICKOFF = datetime(2027, 3, 12, 17, 0, tzinfo=UTC)


def timeline(kickoff=KICKOFF) -> dict:
    return {
        "announced_at": kickoff - timedelta(days=60),
        "registration_opens_at": kickoff - timedelta(days=30),
        "kickoff_at": kickoff,
        "submission_deadline_at": kickoff + timedelta(days=2),
        "judging_ends_at": kickoff + timedelta(days=9),
        "results_published_at": kickoff + timedelta(days=10),
    }


def values(**overrides) -> dict:
    return {"title": "Evals Sprint", "slug": "evals-2027", "research_area": "evaluations", **timeline(), **overrides}


def test_create_saves_sprint_children_membership_and_audit():
    staff = StaffFactory()
    partner = PartnerFactory()
    sprint = sprint_create(
        actor=staff,
        values=values(),
        partners=[partner],
        tracks=[{"name": "Capability evals"}, {"name": "Safety evals", "description": "**Red teaming**"}],
        prizes=[{"name": "First place", "amount": "$2,000"}],
    )
    assert sprint.created_by == staff
    assert not sprint.is_published
    assert list(sprint.partners.all()) == [partner]
    assert [t.name for t in sprint.tracks.all()] == ["Capability evals", "Safety evals"]
    assert [t.position for t in sprint.tracks.all()] == [0, 1]
    assert sprint.prizes.get().amount == "$2,000"
    assert SprintMembership.objects.filter(sprint=sprint, user=staff, role=SprintRole.ORGANISER).exists()
    assert AuditEntry.objects.filter(action="sprint.create", target_id=str(sprint.pk), actor=staff).exists()


def test_create_refuses_deadline_before_kickoff_and_saves_nothing():
    with pytest.raises(ServiceError) as caught:
        sprint_create(actor=StaffFactory(), values=values(submission_deadline_at=KICKOFF - timedelta(hours=1)))
    assert "submission_deadline_at" in caught.value.message_dict
    assert not Sprint.objects.exists()
    assert not AuditEntry.objects.exists()


def test_create_refuses_an_invalid_track_and_rolls_back_the_sprint():
    with pytest.raises(ServiceError) as caught:
        sprint_create(actor=StaffFactory(), values=values(), tracks=[{"name": "x" * 151}])
    assert "tracks" in caught.value.message_dict
    assert not Sprint.objects.exists()


def test_create_refuses_fields_that_are_not_editable():
    with pytest.raises(ServiceError) as caught:
        sprint_create(actor=StaffFactory(), values=values(created_by=None))
    assert "created_by" in caught.value.message_dict


def test_create_refuses_a_reserved_or_taken_slug():
    SprintFactory(slug="taken")
    for slug in ("taken", "new"):
        with pytest.raises(ServiceError) as caught:
            sprint_create(actor=StaffFactory(), values=values(slug=slug))
        assert "slug" in caught.value.message_dict


def test_update_changes_fields_and_records_the_changed_names():
    sprint = SprintFactory(is_published=False)
    organiser = SprintMembershipFactory(sprint=sprint).user
    sprint_update(actor=organiser, sprint=sprint, values={"title": "Renamed", "is_published": True})
    sprint.refresh_from_db()
    assert sprint.title == "Renamed"
    update = AuditEntry.objects.get(action="sprint.update")
    assert update.data["fields"] == ["is_published", "title"]
    assert AuditEntry.objects.filter(action="sprint.publish", actor=organiser).exists()


@pytest.mark.parametrize(
    ("field", "shift"),
    [
        ("kickoff_at", timedelta(days=40)),  # after the submission deadline
        ("registration_opens_at", timedelta(days=30)),  # after kickoff
        ("judging_ends_at", timedelta(days=-30)),  # before the deadline
    ],
)
def test_update_refuses_a_timeline_out_of_order_and_changes_nothing(field, shift):
    sprint = SprintFactory()
    before = {f: getattr(sprint, f) for f in SHIFTED_FIELDS}
    with pytest.raises(ServiceError) as caught:
        sprint_update(actor=StaffFactory(), sprint=sprint, values={field: getattr(sprint, field) + shift})
    assert caught.value.message_dict
    sprint.refresh_from_db()
    assert {f: getattr(sprint, f) for f in SHIFTED_FIELDS} == before
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("capacity", [0, -5])
def test_update_refuses_capacity_below_one(capacity):
    sprint = SprintFactory()
    with pytest.raises(ServiceError) as caught:
        sprint_update(actor=StaffFactory(), sprint=sprint, values={"capacity": capacity})
    assert "capacity" in caught.value.message_dict


def test_update_keeps_edits_and_removes_dropped_tracks():
    sprint = SprintFactory()
    keep, drop = Track.objects.create(sprint=sprint, name="Keep"), Track.objects.create(sprint=sprint, name="Drop")
    sprint_update(
        actor=StaffFactory(),
        sprint=sprint,
        values={},
        tracks=[{"id": None, "name": "New first"}, {"id": keep.pk, "name": "Kept, renamed"}],
    )
    tracks = list(sprint.tracks.all())
    assert [t.name for t in tracks] == ["New first", "Kept, renamed"]
    assert tracks[1].pk == keep.pk
    assert not Track.objects.filter(pk=drop.pk).exists()


def test_update_refuses_a_track_of_another_sprint():
    other_track = Track.objects.create(sprint=SprintFactory(), name="Not yours")
    sprint = SprintFactory()
    with pytest.raises(ServiceError):
        sprint_update(
            actor=StaffFactory(), sprint=sprint, values={}, tracks=[{"id": other_track.pk, "name": "Mine now"}]
        )
    other_track.refresh_from_db()
    assert other_track.name == "Not yours"


def test_clone_shifts_every_time_by_the_same_delta_and_copies_content():
    source = SprintFactory(
        kickoff_at=KICKOFF,
        registration_closes_at=KICKOFF - timedelta(hours=6),
        team_formation_closes_at=KICKOFF + timedelta(hours=3),
        capacity=120,
        admission_mode="reviewed",
        remote_allowed=False,
        rules="Be kind.",
    )
    source.partners.add(PartnerFactory())
    Track.objects.create(sprint=source, name="Circuits", position=0)
    Prize.objects.create(sprint=source, name="First", amount="$1,000", position=0)
    organiser = SprintMembershipFactory(sprint=source).user
    cohost = SprintMembershipFactory(sprint=source, role=SprintRole.COHOST).user
    staff = StaffFactory()
    new_kickoff = KICKOFF + timedelta(days=182, hours=3)

    clone = sprint_clone(actor=staff, source=source, kickoff_at=new_kickoff, slug="interp-2027b", title="Interp II")

    delta = new_kickoff - source.kickoff_at
    for field in SHIFTED_FIELDS:
        assert getattr(clone, field) - getattr(source, field) == delta, field
    assert clone.title == "Interp II"
    assert clone.is_published is False
    assert (clone.capacity, clone.admission_mode, clone.remote_allowed, clone.rules) == (
        120,
        "reviewed",
        False,
        "Be kind.",
    )
    assert list(clone.partners.all()) == list(source.partners.all())
    assert [t.name for t in clone.tracks.all()] == ["Circuits"]
    assert [(p.name, p.amount) for p in clone.prizes.all()] == [("First", "$1,000")]
    roles = set(clone.memberships.values_list("user_id", "role"))
    assert roles == {(organiser.pk, "organiser"), (cohost.pk, "cohost"), (staff.pk, "organiser")}
    assert AuditEntry.objects.get(action="sprint.clone").data["source"] == source.slug
    # The source is untouched.
    assert source.tracks.count() == 1 and source.memberships.count() == 2


def test_clone_with_an_empty_registration_close_keeps_it_empty():
    source = SprintFactory(registration_closes_at=None)
    clone = sprint_clone(
        actor=StaffFactory(), source=source, kickoff_at=source.kickoff_at + timedelta(days=7), slug="again"
    )
    assert clone.registration_closes_at is None


def test_clone_refuses_a_taken_slug():
    source = SprintFactory()
    with pytest.raises(ServiceError) as caught:
        sprint_clone(actor=StaffFactory(), source=source, kickoff_at=source.kickoff_at, slug=source.slug)
    assert "slug" in caught.value.message_dict
    assert Sprint.objects.count() == 1


def test_membership_add_is_idempotent_and_audited_once():
    sprint, user, staff, partner = SprintFactory(), UserFactory(), StaffFactory(), PartnerFactory()
    sprint.partners.add(partner)
    first = sprint_membership_add(actor=staff, sprint=sprint, user=user, role=SprintRole.COHOST, partner=partner)
    again = sprint_membership_add(actor=staff, sprint=sprint, user=user, role=SprintRole.COHOST, partner=partner)
    assert first.membership == again.membership
    assert (first.created, again.created) == (True, False)
    assert AuditEntry.objects.filter(action="sprint.membership_add").count() == 1


def test_membership_add_refuses_an_unknown_role():
    with pytest.raises(ServiceError):
        sprint_membership_add(actor=StaffFactory(), sprint=SprintFactory(), user=UserFactory(), role="referee")


def test_partner_create_validates_and_audits():
    partner = partner_create(actor=StaffFactory(), name="  Apart Research ", url="https://apartresearch.com")
    assert partner.name == "Apart Research"
    assert AuditEntry.objects.filter(action="partner.create").exists()
    with pytest.raises(ServiceError) as caught:
        partner_create(actor=StaffFactory(), name="Apart Research", url="not a link")
    assert {"name", "url"} <= set(caught.value.message_dict)
