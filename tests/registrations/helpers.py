"""Small builders shared by the registration tests."""

from sprintlab.registrations import services
from sprintlab.sprints.models import AdmissionMode
from tests.factories import LocalSiteFactory, SprintFactory, UserFactory

ANSWERS = {"experience_level": "some", "accepted_code_of_conduct": True}


def register(user=None, *, sprint, site=None, join_waitlist=True, **answers):
    return services.registration_create(
        user=user or UserFactory(), sprint=sprint, site=site, join_waitlist=join_waitlist, **{**ANSWERS, **answers}
    )


def reviewed_sprint_with_site(capacity=2, **sprint_fields):
    sprint = SprintFactory(admission_mode=AdmissionMode.REVIEWED, **sprint_fields)
    return sprint, LocalSiteFactory(sprint=sprint, capacity=capacity)
