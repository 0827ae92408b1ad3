from datetime import timedelta

import pytest
from django.utils import timezone

from sprintlab.core.errors import Conflict, ServiceError
from sprintlab.core.models import AuditEntry
from sprintlab.localsites.models import SiteStatus
from sprintlab.notifications.models import OutboxMessage
from sprintlab.registrations import services
from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.sprints.models import AdmissionMode
from tests.factories import LocalSiteFactory, SprintFactory, StaffFactory, UserFactory
from tests.registrations.helpers import ANSWERS, register

pytestmark = pytest.mark.django_db

S = RegistrationStatus


def statuses(sprint):
    return list(Registration.objects.filter(sprint=sprint).order_by("id").values_list("status", flat=True))


class TestCreate:
    def test_open_mode_confirms_while_site_has_seats_then_waitlists(self):
        site = LocalSiteFactory(capacity=2)
        for _ in range(3):
            register(sprint=site.sprint, site=site)
        assert statuses(site.sprint) == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED]

    def test_sprint_capacity_counts_remote_and_sites_together(self):
        sprint = SprintFactory(capacity=2)
        site = LocalSiteFactory(sprint=sprint, capacity=10)
        register(sprint=sprint)
        register(sprint=sprint, site=site)
        third = register(sprint=sprint, site=site)
        assert third.status == S.WAITLISTED

    def test_remote_without_capacity_is_unlimited(self):
        sprint = SprintFactory()
        assert {register(sprint=sprint).status for _ in range(5)} == {S.CONFIRMED}

    def test_full_without_waitlist_is_refused_and_nothing_saved(self):
        site = LocalSiteFactory(capacity=1)
        register(sprint=site.sprint, site=site)
        with pytest.raises(Conflict, match="full"):
            register(sprint=site.sprint, site=site, join_waitlist=False)
        assert Registration.objects.count() == 1

    def test_registering_twice_returns_the_same_registration_unchanged(self):
        user, sprint = UserFactory(), SprintFactory()
        first, created = services.registration_create_or_get(actor=user, sprint=sprint, **ANSWERS)
        again, created_again = services.registration_create_or_get(
            actor=user, sprint=sprint, **{**ANSWERS, "motivation": "changed"}
        )
        assert (created, created_again) == (True, False)
        assert again.pk == first.pk and again.motivation == ""
        assert Registration.objects.count() == 1

    def test_a_cancelled_person_may_register_again(self):
        user, sprint = UserFactory(), SprintFactory()
        registration = register(user, sprint=sprint)
        services.registration_cancel(registration=registration, actor=user)
        again = register(user, sprint=sprint)
        assert again.pk == registration.pk and again.status == S.CONFIRMED

    def test_reviewed_mode_applies(self):
        sprint = SprintFactory(admission_mode=AdmissionMode.REVIEWED)
        assert register(sprint=sprint).status == S.APPLIED

    def test_a_site_can_review_in_an_open_sprint(self):
        site = LocalSiteFactory(admission_mode=AdmissionMode.REVIEWED)
        assert register(sprint=site.sprint, site=site).status == S.APPLIED
        assert register(sprint=site.sprint).status == S.CONFIRMED

    @pytest.mark.parametrize(
        ("sprint_fields", "message"),
        [
            ({"is_published": False}, "not published"),
            ({"registration_opens_at": timezone.now() + timedelta(days=1)}, "opens on"),
            ({"registration_closes_at": timezone.now() - timedelta(minutes=1)}, "closed"),
        ],
    )
    def test_unpublished_not_open_and_closed_sprints_refuse(self, sprint_fields, message):
        sprint = SprintFactory(**sprint_fields)
        with pytest.raises(Conflict, match=message):
            register(sprint=sprint)
        assert not Registration.objects.exists()

    def test_remote_refused_when_not_allowed(self):
        sprint = SprintFactory(remote_allowed=False)
        with pytest.raises(ServiceError) as info:
            register(sprint=sprint)
        assert "site" in info.value.message_dict

    @pytest.mark.parametrize("status", [SiteStatus.PENDING, SiteStatus.REJECTED, SiteStatus.WITHDRAWN])
    def test_unapproved_site_refused(self, status):
        site = LocalSiteFactory(status=status)
        with pytest.raises(ServiceError, match="not open"):
            register(sprint=site.sprint, site=site)

    def test_site_of_another_sprint_refused(self):
        site = LocalSiteFactory()
        with pytest.raises(ServiceError, match="another sprint"):
            register(sprint=SprintFactory(), site=site)

    def test_code_of_conduct_required(self):
        with pytest.raises(ServiceError) as info:
            register(sprint=SprintFactory(), accepted_code_of_conduct=False)
        assert "accepted_code_of_conduct" in info.value.message_dict

    def test_invalid_answers_refused_per_field(self):
        with pytest.raises(ServiceError) as info:
            register(sprint=SprintFactory(), experience_level="guru", background="x" * 301)
        assert set(info.value.message_dict) == {"experience_level", "background"}

    def test_html_is_stored_literally(self):
        registration = register(sprint=SprintFactory(), motivation="<script>alert(1)</script>")
        registration.refresh_from_db()
        assert registration.motivation == "<script>alert(1)</script>"


class TestCancel:
    def test_cancel_promotes_the_oldest_waiting_person_at_the_same_site(
        self, django_capture_on_commit_callbacks, mailoutbox
    ):
        site = LocalSiteFactory(capacity=1)
        other_site = LocalSiteFactory(sprint=site.sprint, capacity=1)
        holder = register(sprint=site.sprint, site=site)
        register(sprint=site.sprint, site=other_site)
        waiting_elsewhere = register(sprint=site.sprint, site=other_site)
        first = register(sprint=site.sprint, site=site)
        second = register(sprint=site.sprint, site=site)
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.registration_cancel(registration=holder, actor=holder.user)
        first.refresh_from_db(), second.refresh_from_db(), waiting_elsewhere.refresh_from_db()
        assert (first.status, second.status, waiting_elsewhere.status) == (S.CONFIRMED, S.WAITLISTED, S.WAITLISTED)
        subjects = {m.to[0]: m.subject for m in mailoutbox}
        assert "You got a seat" in subjects[first.user.email]
        assert "cancelled" in subjects[holder.user.email]
        assert first.user.email in [m.to[0] for m in mailoutbox if m.attachments]

    def test_cancel_remote_promotes_remote(self):
        sprint = SprintFactory(capacity=1)
        holder = register(sprint=sprint)
        waiting = register(sprint=sprint)
        services.registration_cancel(registration=holder, actor=holder.user)
        waiting.refresh_from_db()
        assert waiting.status == S.CONFIRMED

    def test_freed_sprint_seat_goes_to_someone_waiting_at_another_place(self):
        sprint = SprintFactory(capacity=1)
        site = LocalSiteFactory(sprint=sprint, capacity=5)
        holder = register(sprint=sprint)
        waiting_at_site = register(sprint=sprint, site=site)
        services.registration_cancel(registration=holder, actor=holder.user)
        waiting_at_site.refresh_from_db()
        assert waiting_at_site.status == S.CONFIRMED

    def test_cancelling_a_waiting_person_promotes_nobody(self):
        site = LocalSiteFactory(capacity=1)
        register(sprint=site.sprint, site=site)
        first = register(sprint=site.sprint, site=site)
        second = register(sprint=site.sprint, site=site)
        services.registration_cancel(registration=first, actor=first.user)
        second.refresh_from_db()
        assert second.status == S.WAITLISTED

    def test_reviewed_mode_offers_the_seat_with_a_deadline(self):
        sprint = SprintFactory(admission_mode=AdmissionMode.REVIEWED, confirm_window_hours=48)
        holder = register(sprint=sprint)
        waiting = register(sprint=sprint)
        Registration.objects.filter(pk=holder.pk).update(status=S.CONFIRMED)
        Registration.objects.filter(pk=waiting.pk).update(status=S.WAITLISTED, waitlisted_at=timezone.now())
        sprint.capacity = 1
        sprint.save()
        services.registration_cancel(registration=holder, actor=holder.user)
        waiting.refresh_from_db()
        assert waiting.status == S.OFFERED
        assert abs((waiting.confirm_by - timezone.now()) - timedelta(hours=48)) < timedelta(minutes=1)
        assert OutboxMessage.objects.filter(to_email=waiting.user.email, subject__contains="please confirm").exists()

    def test_cancelling_twice_is_refused(self):
        registration = register(sprint=SprintFactory())
        services.registration_cancel(registration=registration, actor=registration.user)
        with pytest.raises(Conflict, match="already cancelled"):
            services.registration_cancel(registration=registration, actor=registration.user)

    def test_someone_else_cancelling_is_audited(self):
        registration = register(sprint=SprintFactory())
        staff = StaffFactory()
        services.registration_cancel(registration=registration, actor=staff)
        assert AuditEntry.objects.filter(
            action="registration.cancel", actor=staff, target_id=str(registration.pk)
        ).exists()

    def test_own_cancel_is_not_audited(self):
        registration = register(sprint=SprintFactory())
        services.registration_cancel(registration=registration, actor=registration.user)
        assert not AuditEntry.objects.exists()


class TestSwitch:
    def test_remote_to_site_with_a_seat_frees_the_remote_seat(self):
        sprint = SprintFactory(capacity=1)
        site = LocalSiteFactory(sprint=sprint, capacity=5)
        mover = register(sprint=sprint)
        waiting = register(sprint=sprint)
        moved = services.registration_switch(registration=mover, site=site, actor=mover.user)
        waiting.refresh_from_db()
        # The sprint has one seat: the mover keeps it at the site, nobody is promoted.
        assert (moved.status, moved.site_id, waiting.status) == (S.CONFIRMED, site.pk, S.WAITLISTED)

    def test_site_to_full_site_waitlists_and_promotes_at_the_old_site(self):
        sprint = SprintFactory()
        old, new = LocalSiteFactory(sprint=sprint, capacity=1), LocalSiteFactory(sprint=sprint, capacity=1)
        mover = register(sprint=sprint, site=old)
        register(sprint=sprint, site=new)
        waiting_at_old = register(sprint=sprint, site=old)
        moved = services.registration_switch(registration=mover, site=new, actor=mover.user)
        waiting_at_old.refresh_from_db()
        assert moved.status == S.WAITLISTED and moved.site_id == new.pk
        assert waiting_at_old.status == S.CONFIRMED

    def test_switch_to_full_place_without_waitlist_changes_nothing(self):
        sprint = SprintFactory()
        old, new = LocalSiteFactory(sprint=sprint, capacity=1), LocalSiteFactory(sprint=sprint, capacity=1)
        mover = register(sprint=sprint, site=old)
        register(sprint=sprint, site=new)
        with pytest.raises(Conflict):
            services.registration_switch(registration=mover, site=new, actor=mover.user, join_waitlist=False)
        mover.refresh_from_db()
        assert (mover.status, mover.site_id) == (S.CONFIRMED, old.pk)

    def test_waitlisted_person_switching_joins_the_end_of_the_new_queue(self):
        sprint = SprintFactory()
        a, b = LocalSiteFactory(sprint=sprint, capacity=1), LocalSiteFactory(sprint=sprint, capacity=1)
        register(sprint=sprint, site=a)
        register(sprint=sprint, site=b)
        mover = register(sprint=sprint, site=a)
        already_waiting_at_b = register(sprint=sprint, site=b)
        services.registration_switch(registration=mover, site=b, actor=mover.user)
        mover.refresh_from_db()
        assert mover.waitlisted_at > already_waiting_at_b.waitlisted_at

    @pytest.mark.parametrize("case", ["same place", "other sprint", "unapproved", "remote not allowed"])
    def test_invalid_targets_refused(self, case):
        sprint = SprintFactory(remote_allowed=case != "remote not allowed")
        site = LocalSiteFactory(sprint=sprint)
        registration = register(sprint=sprint, site=site)
        target = {
            "same place": site,
            "other sprint": LocalSiteFactory(),
            "unapproved": LocalSiteFactory(sprint=sprint, status=SiteStatus.PENDING),
            "remote not allowed": None,
        }[case]
        with pytest.raises(ServiceError):
            services.registration_switch(registration=registration, site=target, actor=registration.user)

    def test_switch_sends_a_new_confirmation(self, django_capture_on_commit_callbacks, mailoutbox):
        sprint = SprintFactory()
        site = LocalSiteFactory(sprint=sprint)
        registration = register(sprint=sprint)
        with django_capture_on_commit_callbacks(execute=True):
            services.registration_switch(registration=registration, site=site, actor=registration.user)
            services.registration_switch(registration=registration, site=None, actor=registration.user)
        assert len([m for m in mailoutbox if "registered" in m.subject]) == 2


class TestConfirmOffer:
    def test_confirm_before_deadline(self, django_capture_on_commit_callbacks, mailoutbox):
        registration = register(sprint=SprintFactory(admission_mode=AdmissionMode.REVIEWED))
        Registration.objects.filter(pk=registration.pk).update(
            status=S.OFFERED, confirm_by=timezone.now() + timedelta(hours=1)
        )
        with django_capture_on_commit_callbacks(execute=True):
            confirmed = services.registration_confirm_offer(registration=registration, actor=registration.user)
        assert confirmed.status == S.CONFIRMED and confirmed.confirmed_at
        assert mailoutbox[-1].attachments

    def test_confirm_after_deadline_refused(self):
        registration = register(sprint=SprintFactory(admission_mode=AdmissionMode.REVIEWED))
        Registration.objects.filter(pk=registration.pk).update(
            status=S.OFFERED, confirm_by=timezone.now() - timedelta(minutes=1)
        )
        with pytest.raises(Conflict, match="expired"):
            services.registration_confirm_offer(registration=registration, actor=registration.user)

    def test_confirm_without_offer_refused(self):
        registration = register(sprint=SprintFactory(admission_mode=AdmissionMode.REVIEWED))
        with pytest.raises(Conflict, match="no seat offer"):
            services.registration_confirm_offer(registration=registration, actor=registration.user)


def test_after_the_sprint_nobody_cancels_or_is_promoted():
    sprint = SprintFactory(capacity=1)
    holder, waiting = register(sprint=sprint), register(sprint=sprint)
    past = timezone.now() - timedelta(hours=1)
    sprint.kickoff_at, sprint.submission_deadline_at = past - timedelta(days=2), past
    sprint.registration_opens_at = sprint.announced_at
    sprint.save()
    with pytest.raises(Conflict, match="over"):
        services.registration_cancel(registration=holder, actor=holder.user)
    waiting.refresh_from_db()
    assert waiting.status == S.WAITLISTED
