"""Every role × every announcement action: the predicate, the page and the service agree."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sprintlab.announcements import services
from sprintlab.announcements.models import Audience
from sprintlab.announcements.permissions import may_address, may_change, may_view
from sprintlab.core.errors import ServiceError
from sprintlab.notifications.models import InboxItem
from sprintlab.sprints.models import SprintRole
from tests.announcements.factories import AnnouncementFactory
from tests.factories import (
    LocalSiteFactory,
    RegistrationFactory,
    SiteOrganiserFactory,
    SprintFactory,
    SprintMembershipFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("visitor", "participant", "this_site_organiser", "other_site_organiser", "sprint_organiser", "staff")
MANAGERS = {"sprint_organiser", "staff"}
EXPECTED = {
    # (action) -> roles allowed
    "announce_to_everyone": MANAGERS,
    "announce_to_this_site": MANAGERS | {"this_site_organiser"},
    "send_site_announcement": MANAGERS | {"this_site_organiser"},
    "send_everyone_announcement": MANAGERS,
    "open_create_page": MANAGERS | {"this_site_organiser", "other_site_organiser"},
    "preview": MANAGERS | {"this_site_organiser", "other_site_organiser"},
    "view_site_announcement": MANAGERS | {"this_site_organiser", "participant"},
}


class Rollback(Exception):
    pass


@pytest.fixture
def cell():
    sprint = SprintFactory()
    site, other_site = LocalSiteFactory(sprint=sprint), LocalSiteFactory(sprint=sprint)
    people = {
        "visitor": AnonymousUser(),
        "participant": RegistrationFactory(sprint=sprint, site=site).user,
        "this_site_organiser": SiteOrganiserFactory(site=site).user,
        "other_site_organiser": SiteOrganiserFactory(site=other_site).user,
        "sprint_organiser": SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user,
        "staff": StaffFactory(),
    }
    site_announcement = AnnouncementFactory(sprint=sprint, audience=Audience.SITE, site=site)
    everyone_announcement = AnnouncementFactory(sprint=sprint)
    InboxItem.objects.create(
        key=f"{site_announcement.key_prefix}:{people['participant'].pk}",
        user=people["participant"],
        kind="announcement",
        title=site_announcement.title,
    )
    return sprint, site, people, site_announcement, everyone_announcement


def _service_allows(call) -> bool:
    try:
        with transaction.atomic():
            call()
            raise Rollback
    except Rollback:
        return True
    except ServiceError:
        return False


@pytest.mark.parametrize("role", ROLES)
def test_predicates_services_and_pages_agree(role, cell, client):
    sprint, site, people, site_announcement, everyone_announcement = cell
    user = people[role]
    now = timezone.now()
    if role != "visitor":
        client.force_login(user)

    def create(**kwargs):
        return lambda: services.announcement_create(actor=user, sprint=sprint, title="T", body="B", **kwargs)

    answers = {
        "announce_to_everyone": may_address(user, sprint, audience=Audience.EVERYONE),
        "announce_to_this_site": may_address(user, sprint, audience=Audience.SITE, site=site),
        "send_site_announcement": may_change(user, site_announcement, now=now),
        "send_everyone_announcement": may_change(user, everyone_announcement, now=now),
        "open_create_page": user.has_perm("announcements.announce", sprint),
        "preview": user.has_perm("announcements.announce", sprint),
        "view_site_announcement": may_view(user, site_announcement),
    }
    for action, allowed in answers.items():
        assert allowed == (role in EXPECTED[action]), (action, role)

    assert _service_allows(create(audience=Audience.EVERYONE)) == answers["announce_to_everyone"]
    assert _service_allows(create(audience=Audience.SITE, site=site)) == answers["announce_to_this_site"]
    for key, announcement in (
        ("send_site_announcement", site_announcement),
        ("send_everyone_announcement", everyone_announcement),
    ):
        assert (
            _service_allows(lambda a=announcement: services.announcement_send_now(actor=user, announcement=a))
            == answers[key]
        )

    create_page = client.get(reverse("announcements:create", kwargs={"slug": sprint.slug}))
    preview = client.post(
        reverse("announcements:preview", kwargs={"slug": sprint.slug}),
        {"audience": "site", "site": site.pk, "body": "Hi"},
    )
    detail = client.get(reverse("announcements:detail", kwargs={"slug": sprint.slug, "pk": site_announcement.pk}))
    if role == "visitor":
        assert create_page.status_code == preview.status_code == detail.status_code == 302
        return
    assert (create_page.status_code == 200) == answers["open_create_page"]
    assert (preview.status_code == 200) == answers["preview"]
    assert (detail.status_code == 200) == answers["view_site_announcement"]
    if not answers["open_create_page"]:
        assert create_page.status_code == 403
