"""A sprint with one of each organiser to-do, for the organiser home's tests."""

from datetime import timedelta

from django.utils import timezone

from sprintlab.localsites.models import SiteStatus
from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.sprints.models import AdmissionMode
from tests.factories import LocalSiteFactory, RegistrationFactory, SprintFactory


def sprint_with_to_dos(*, title: str = "Reviewed Evals Sprint", scale: int = 1):
    """A reviewed sprint with ``2 × scale`` site applications to review, ``3 × scale`` applicants to decide,
    ``scale`` offers expiring within the day and, in all, ``4 × scale + 2`` registrations made today.

    Also rows that are not to-dos: a site with requested changes, an offer with days left, an offer
    past its deadline and a registration made yesterday.
    """
    now = timezone.now()
    sprint = SprintFactory(title=title, admission_mode=AdmissionMode.REVIEWED)
    LocalSiteFactory.create_batch(2 * scale, sprint=sprint, status=SiteStatus.PENDING)
    LocalSiteFactory(sprint=sprint, status=SiteStatus.CHANGES_REQUESTED)
    LocalSiteFactory(sprint=sprint)
    RegistrationFactory.create_batch(3 * scale, sprint=sprint, status=RegistrationStatus.APPLIED, confirmed_at=None)
    RegistrationFactory.create_batch(
        scale, sprint=sprint, status=RegistrationStatus.OFFERED, confirm_by=now + timedelta(hours=3), confirmed_at=None
    )
    RegistrationFactory(
        sprint=sprint, status=RegistrationStatus.OFFERED, confirm_by=now + timedelta(days=3), confirmed_at=None
    )
    RegistrationFactory(
        sprint=sprint, status=RegistrationStatus.OFFERED, confirm_by=now - timedelta(hours=1), confirmed_at=None
    )
    yesterday = RegistrationFactory(sprint=sprint)
    Registration.objects.filter(pk=yesterday.pk).update(created_at=now - timedelta(days=1, hours=1))
    return sprint
