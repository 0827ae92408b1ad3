from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from sprintlab.core.errors import Conflict, ServiceError
from sprintlab.core.models import AuditEntry
from sprintlab.registrations import admissions, services
from sprintlab.registrations.models import AdmissionWave, Registration, RegistrationStatus
from sprintlab.registrations.tasks import expire_offers
from tests.factories import RegistrationFactory, SprintMembershipFactory
from tests.registrations.helpers import register, reviewed_sprint_with_site

pytestmark = pytest.mark.django_db
S = RegistrationStatus


def wave(sprint, *, admit=(), waitlist=(), decline=(), confirm_by=None, site=None, message="Welcome!"):
    organiser = SprintMembershipFactory(sprint=sprint).user
    return admissions.admission_wave_create(
        sprint=sprint,
        site=site,
        admit=[r.pk for r in admit],
        waitlist=[r.pk for r in waitlist],
        decline=[r.pk for r in decline],
        message=message,
        confirm_by=confirm_by or timezone.now() + timedelta(days=2),
        actor=organiser,
    )


def refreshed(*registrations):
    return [Registration.objects.get(pk=r.pk).status for r in registrations]


def test_wave_admits_waitlists_and_declines_with_one_email_each(django_capture_on_commit_callbacks, mailoutbox):
    sprint, site = reviewed_sprint_with_site(capacity=2)
    a, b, c = (register(sprint=sprint, site=site) for _ in range(3))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        created = wave(sprint, admit=[a], waitlist=[b], decline=[c], message="Bring a laptop & charger.")
    assert refreshed(a, b, c) == [S.OFFERED, S.WAITLISTED, S.DECLINED]
    assert (created.number, created.admitted_count, created.waitlisted_count, created.declined_count) == (1, 1, 1, 1)
    by_person = {m.to[0]: m for m in mailoutbox}
    assert len(mailoutbox) == 3
    assert "Bring a laptop & charger." in by_person[a.user.email].body
    assert "please confirm" in by_person[a.user.email].subject
    assert "waitlist" in by_person[b.user.email].subject
    assert AuditEntry.objects.filter(action="registration.admission_wave").count() == 1


def test_waves_are_numbered_per_sprint():
    sprint, site = reviewed_sprint_with_site(capacity=5)
    a, b = register(sprint=sprint, site=site), register(sprint=sprint, site=site)
    assert [wave(sprint, admit=[a]).number, wave(sprint, admit=[b]).number] == [1, 2]


def test_admitting_beyond_site_capacity_is_refused_and_changes_nothing():
    sprint, site = reviewed_sprint_with_site(capacity=1)
    a, b = register(sprint=sprint, site=site), register(sprint=sprint, site=site)
    with pytest.raises(Conflict) as info:
        wave(sprint, admit=[a, b])
    assert "1 free seat; you selected 2" in str(info.value.message_dict["admit"])
    assert refreshed(a, b) == [S.APPLIED, S.APPLIED]
    assert not AdmissionWave.objects.exists()


def test_the_refusal_uses_the_plural_form_of_each_number():
    sprint, site = reviewed_sprint_with_site(capacity=0)
    a = register(sprint=sprint, site=site)
    with pytest.raises(Conflict) as info:
        wave(sprint, admit=[a])
    assert "0 free seats; you selected 1 person there." in str(info.value.message_dict["admit"])


def test_admitting_beyond_sprint_capacity_is_refused():
    sprint, site = reviewed_sprint_with_site(capacity=10)
    sprint.capacity = 1
    sprint.save()
    a, b = register(sprint=sprint), register(sprint=sprint, site=site)
    with pytest.raises(Conflict, match="sprint has 1 free seat"):
        wave(sprint, admit=[a, b])


def test_the_sprint_wide_refusal_uses_the_singular_for_one_person():
    sprint, _site = reviewed_sprint_with_site(capacity=10)
    sprint.capacity = 1
    sprint.save()
    RegistrationFactory(sprint=sprint, status=S.CONFIRMED)
    with pytest.raises(Conflict) as info:
        wave(sprint, admit=[register(sprint=sprint)])
    assert "The sprint has 0 free seats; you selected 1 person." in str(info.value.message_dict["admit"])


@pytest.mark.parametrize("problem", ["decided", "other sprint", "twice", "nobody", "past deadline", "site mismatch"])
def test_bad_wave_input_is_refused(problem):
    sprint, site = reviewed_sprint_with_site(capacity=5)
    a = register(sprint=sprint, site=site)
    other_sprint, _other_site = reviewed_sprint_with_site()
    stranger = register(sprint=other_sprint)
    kwargs = {
        "decided": {"admit": [a], "decline": []},
        "other sprint": {"admit": [stranger]},
        "twice": {"admit": [a], "decline": [a]},
        "nobody": {},
        "past deadline": {"admit": [a], "confirm_by": timezone.now() - timedelta(hours=1)},
        "site mismatch": {"admit": [register(sprint=sprint)], "site": site},
    }[problem]
    if problem == "decided":
        wave(sprint, admit=[a])
    with pytest.raises(ServiceError):
        wave(sprint, **kwargs)


def test_confirm_then_expiry_gives_the_seat_to_the_next_person(django_capture_on_commit_callbacks, mailoutbox):
    sprint, site = reviewed_sprint_with_site(capacity=2)
    keeper, late, next_one = (register(sprint=sprint, site=site) for _ in range(3))
    wave(sprint, admit=[keeper, late], waitlist=[next_one])
    services.registration_confirm_offer(registration=keeper, actor=keeper.user)
    Registration.objects.filter(pk=late.pk).update(confirm_by=timezone.now() - timedelta(minutes=1))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert admissions.registrations_expire_offers() == 1
    assert refreshed(keeper, late, next_one) == [S.CONFIRMED, S.EXPIRED, S.OFFERED]
    offered = Registration.objects.get(pk=next_one.pk)
    assert offered.confirm_by > timezone.now() + timedelta(hours=sprint.confirm_window_hours - 1)
    assert {m.to[0] for m in mailoutbox} == {late.user.email, next_one.user.email}
    # Running it again finds nothing more to do.
    assert admissions.registrations_expire_offers() == 0


def test_expired_offer_cannot_be_confirmed_even_before_the_sweeper_runs():
    sprint, site = reviewed_sprint_with_site()
    person = register(sprint=sprint, site=site)
    wave(sprint, admit=[person])
    Registration.objects.filter(pk=person.pk).update(confirm_by=timezone.now() - timedelta(seconds=1))
    with pytest.raises(Conflict):
        services.registration_confirm_offer(registration=person, actor=person.user)


def test_task_and_management_command_expire_offers(capsys):
    sprint, site = reviewed_sprint_with_site()
    a, b = register(sprint=sprint, site=site), register(sprint=sprint, site=site)
    wave(sprint, admit=[a, b])
    Registration.objects.update(confirm_by=timezone.now() - timedelta(minutes=1))
    Registration.objects.filter(pk=b.pk).update(confirm_by=timezone.now() + timedelta(hours=1))
    assert expire_offers.call() == 1
    Registration.objects.filter(pk=b.pk).update(confirm_by=timezone.now() - timedelta(minutes=1))
    call_command("expire_offers")
    assert "1 offer(s) expired" in capsys.readouterr().out
    assert refreshed(a, b) == [S.EXPIRED, S.EXPIRED]
