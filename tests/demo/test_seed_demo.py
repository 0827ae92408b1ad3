from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from sprintlab.accounts.models import Tag, User
from sprintlab.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from sprintlab.localsites.models import LocalSite, SiteOrganiser, SiteStatus
from sprintlab.programme.models import Session
from sprintlab.registrations import attendance, check_in_codes
from sprintlab.registrations.models import SEAT_HOLDING_STATUSES, AdmissionWave, Registration, RegistrationStatus
from sprintlab.registrations.permissions import may_show_check_in_code, takes_registrations
from sprintlab.sprints.models import Partner, Sprint, SprintMembership, SprintRole

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--scale", "small", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    return {
        "people": User.objects.count(),
        "sprints": Sprint.objects.count(),
        "sites": LocalSite.objects.count(),
        "registrations": Registration.objects.count(),
        "statuses": sorted(Registration.objects.values_list("status").annotate(n=Count("id")).order_by()),
        "titles": list(Sprint.objects.order_by("-kickoff_at").values_list("title", flat=True)[:5]),
        "emails": list(User.objects.order_by("email").values_list("email", flat=True)[:20]),
        "capacities": list(LocalSite.objects.order_by("sprint__slug", "slug").values_list("slug", "capacity")[:50]),
    }


def wipe() -> None:
    for model in (
        Session,  # before the sites it may sit at
        Registration,
        AdmissionWave,
        SiteOrganiser,
        LocalSite,
        SprintMembership,
        Sprint,
        Partner,
        EmailAddress,
        User,
        Tag,
    ):
        model.objects.all().delete()


@pytest.fixture
def small_demo():
    seed()


def test_small_seed_has_the_organisations_shape(small_demo):
    participants = User.objects.filter(registrations__isnull=False).distinct().count()
    assert 1_200 <= participants <= 1_300
    assert 19 <= Sprint.objects.filter(is_published=True).count() <= 23
    assert Sprint.objects.filter(is_published=False).exists()
    assert any(takes_registrations(s, now=timezone.now()) for s in Sprint.objects.all())
    cities = set(LocalSite.objects.values_list("city", flat=True))
    assert len(cities) >= 50
    assert {"Stanford", "Berkeley", "Cambridge", "Oxford"} <= cities
    assert {"IN", "VN", "BR", "KE"} <= set(LocalSite.objects.values_list("country", flat=True))
    returning = User.objects.annotate(n=Count("registrations")).filter(n__gt=1).count()
    assert returning > 100


def test_every_status_appears(small_demo):
    assert set(Registration.objects.values_list("status", flat=True)) == set(RegistrationStatus.values)
    assert set(LocalSite.objects.values_list("status", flat=True)) == set(SiteStatus.values)
    past_check_ins = Registration.objects.filter(checked_in_at__isnull=False, sprint__kickoff_at__lt=F("checked_in_at"))
    assert past_check_ins.exists()


def test_every_role_has_a_demo_login(small_demo, settings):
    users = {login.key: User.objects.get(email=login.email) for login in DEMO_LOGINS}
    assert all(user.check_password(DEMO_PASSWORD) for user in users.values())
    assert users["staff"].is_staff
    # The organiser may create sprints; nobody else holds the organiser role.
    assert users["organiser"].has_perm("sprints.create_sprint")
    assert [key for key, user in users.items() if user.is_organiser] == ["organiser"]
    assert (
        SprintMembership.objects.filter(user=users["organiser"], role=SprintRole.ORGANISER).count()
        == Sprint.objects.count()
    )
    assert SprintMembership.objects.filter(
        user=users["cohost"], role=SprintRole.COHOST, partner__name="Apollo Research"
    ).exists()
    assert SiteOrganiser.objects.filter(
        user=users["site_organiser"], is_lead=True, site__status=SiteStatus.APPROVED
    ).exists()
    open_sprint = next(s for s in Sprint.objects.all() if takes_registrations(s, now=timezone.now()))
    mine = Registration.objects.get(user=users["participant"], sprint=open_sprint)
    assert mine.status == RegistrationStatus.CONFIRMED
    assert SiteOrganiser.objects.filter(site=mine.site, user=users["site_organiser"]).exists()
    assert Registration.objects.filter(user=users["participant"]).count() > 1
    # Check-in by QR code (docs/sites.md, "Trying it in the demo"): the participant has a code, and
    # the site organiser can scan it once check-in opens early.
    assert may_show_check_in_code(users["participant"], mine, now=timezone.now())
    settings.CHECK_IN_OPENS_HOURS_BEFORE = 1000
    code = check_in_codes.check_in_token(mine.pk)
    assert (
        attendance.site_check_in_by_code(site=mine.site, code=code, actor=users["site_organiser"]).registration == mine
    )


def test_no_site_or_sprint_is_over_capacity(small_demo):
    seat = Q(registrations__status__in=SEAT_HOLDING_STATUSES)
    sites = LocalSite.objects.annotate(taken=Count("registrations", filter=seat))
    assert not sites.filter(taken__gt=F("capacity")).exists()
    assert sites.filter(taken=F("capacity")).exists(), "some sites should be full"
    capped = Sprint.objects.filter(capacity__isnull=False).annotate(taken=Count("registrations", filter=seat))
    assert capped.exists()
    assert not capped.filter(taken__gt=F("capacity")).exists()
    assert (
        not Registration.objects.filter(status__in=SEAT_HOLDING_STATUSES)
        .exclude(site=None)
        .exclude(site__status=SiteStatus.APPROVED)
        .exists()
    )


def test_same_seed_gives_the_same_data():
    seed()
    first = snapshot()
    wipe()
    seed()
    assert snapshot() == first


def test_if_empty_skips_a_loaded_database(small_demo):
    sprints = Sprint.objects.count()
    output = seed("--if-empty")
    assert "already has sprints" in output
    assert "participant@example.org" in output
    assert Sprint.objects.count() == sprints
    with pytest.raises(CommandError):
        seed()


def test_prints_the_demo_logins():
    output = seed()
    for login in DEMO_LOGINS:
        assert login.email in output
    assert DEMO_PASSWORD in output


def test_inboxes_settings_and_deliveries_look_like_the_week_before_a_sprint(small_demo):
    from sprintlab.notifications.models import InboxItem, NotificationPreference, OutboxMessage, OutboxStatus

    participant = User.objects.get(email="participant@example.org")
    assert InboxItem.objects.filter(user=participant, read_at__isnull=True).exists()
    assert InboxItem.objects.filter(read_at__isnull=False).exists()
    assert not InboxItem.objects.filter(created_at__gt=timezone.now()).exists()
    assert NotificationPreference.objects.filter(email=False).exists()
    assert OutboxMessage.objects.filter(status=OutboxStatus.FAILED).exclude(last_error="").exists()
