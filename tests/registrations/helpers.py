"""Small builders shared by the registration tests."""

import json
import urllib.error
import urllib.request

from sprintlab.registrations import services
from sprintlab.sprints.models import AdmissionMode
from tests.factories import LocalSiteFactory, SprintFactory, UserFactory

ANSWERS = {"experience_level": "some", "accepted_code_of_conduct": True}


def register(user=None, *, sprint, site=None, join_waitlist=True, **answers):
    return services.registration_create(
        actor=user or UserFactory(), sprint=sprint, site=site, join_waitlist=join_waitlist, **{**ANSWERS, **answers}
    )


def reviewed_sprint_with_site(capacity=2, **sprint_fields):
    sprint = SprintFactory(admission_mode=AdmissionMode.REVIEWED, **sprint_fields)
    return sprint, LocalSiteFactory(sprint=sprint, capacity=capacity)


def post_json(url: str, token: str, body: dict) -> tuple[int, dict]:
    """POST ``body`` as JSON to a live server with a bearer token; (status, JSON answer), also for errors."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        payload = error.read()
        try:
            return error.code, json.loads(payload or b"{}")
        except ValueError:  # an HTML error page
            return error.code, {"detail": payload[:200].decode(errors="replace")}
