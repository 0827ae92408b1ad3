"""factory_boy factories: each builds exactly what it says, nothing hidden."""

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from django_tasks_db.models import get_date_max

from sprintlab.accounts.models import User
from sprintlab.localsites.models import LocalSite, SiteOrganiser, SiteStatus
from sprintlab.notifications.models import OutboxMessage
from sprintlab.registrations.models import ExperienceLevel, Registration, RegistrationStatus
from sprintlab.sprints.models import Partner, ResearchArea, Sprint, SprintMembership, SprintRole


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    timezone = "Europe/London"
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        """An established account has verified its address, so it can sign in (verification is mandatory).

        ``UserFactory(verified_email=False)`` builds one that has not."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class StaffFactory(UserFactory):
    is_staff = True


class OrganiserFactory(UserFactory):
    """A person holding the organisation-level organiser role (may create sprints)."""

    is_organiser = True


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner Org {n}")
    url = "https://partner.example.org"


class OutboxMessageFactory(factory.django.DjangoModelFactory):
    """A queued plain-text email (pass ``status=`` for a sent or failed one)."""

    class Meta:
        model = OutboxMessage

    key = factory.Sequence(lambda n: f"tests:{n}")
    to_email = factory.Sequence(lambda n: f"recipient{n}@example.org")
    subject = "Your registration"
    body_text = "Hello."


class SprintFactory(factory.django.DjangoModelFactory):
    """A published sprint whose registration is open now; kickoff in two weeks."""

    class Meta:
        model = Sprint

    title = factory.Sequence(lambda n: f"Interpretability Sprint {n}")
    slug = factory.Sequence(lambda n: f"sprint-{n}")
    research_area = ResearchArea.INTERPRETABILITY
    tagline = "A weekend of interpretability research"
    description = "Find **circuits** in small models."
    is_published = True
    announced_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    kickoff_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    submission_deadline_at = factory.LazyAttribute(lambda o: o.kickoff_at + timedelta(days=2))
    judging_ends_at = factory.LazyAttribute(lambda o: o.submission_deadline_at + timedelta(days=7))
    results_published_at = factory.LazyAttribute(lambda o: o.judging_ends_at + timedelta(days=1))


class PastSprintFactory(SprintFactory):
    """A sprint that ran about a year ago (judging and results over too)."""

    announced_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=450))
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=430))
    kickoff_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=400))


class SprintMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SprintMembership

    sprint = factory.SubFactory(SprintFactory)
    user = factory.SubFactory(UserFactory)
    role = SprintRole.ORGANISER


class LocalSiteFactory(factory.django.DjangoModelFactory):
    """An approved site in Cambridge with 20 seats, open for the sprint's weekend."""

    class Meta:
        model = LocalSite

    sprint = factory.SubFactory(SprintFactory)
    name = factory.Sequence(lambda n: f"Venue {n}")
    slug = factory.Sequence(lambda n: f"venue-{n}")
    address = "1 Trinity Street"
    city = "Cambridge"
    country = "GB"
    capacity = 20
    timezone = "Europe/London"
    starts_at = factory.LazyAttribute(lambda o: o.sprint.kickoff_at)
    ends_at = factory.LazyAttribute(lambda o: o.sprint.submission_deadline_at)

    class Params:
        # Doors open in an hour, so check-in (which opens a day before) is open now.
        doors_open_soon = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1)),
            ends_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=2)),
        )

    contact_name = "Site Lead"
    contact_email = "site@example.org"
    status = SiteStatus.APPROVED
    applicant = factory.SubFactory(UserFactory)


class SiteOrganiserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteOrganiser

    site = factory.SubFactory(LocalSiteFactory)
    user = factory.SubFactory(UserFactory)
    is_lead = True


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed remote registration (pass ``site=`` for an on-site one)."""

    class Meta:
        model = Registration

    sprint = factory.SubFactory(SprintFactory)
    user = factory.SubFactory(UserFactory)
    site = None
    status = RegistrationStatus.CONFIRMED
    experience_level = ExperienceLevel.SOME
    accepted_code_of_conduct = True
    confirmed_at = factory.LazyFunction(timezone.now)


class RunningTaskFactory(factory.django.DjangoModelFactory):
    """A django-tasks-db task row claimed a minute ago by the worker named in ``worker_ids``."""

    class Meta:
        model = "django_tasks_database.DBTaskResult"

    status = "RUNNING"
    task_path = "sprintlab.notifications.tasks.requeue_stale_outbox_messages"
    args_kwargs = factory.LazyFunction(lambda: {"args": [], "kwargs": {}})
    backend_name = "default"
    run_after = factory.LazyFunction(get_date_max)  # the package's "no run_after"
    started_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=1))
    worker_ids = factory.LazyFunction(lambda: ["dead-worker"])
