"""Hostile input against every operation of the API: a 4xx with a JSON message, and nothing changes.

The operations come from the OpenAPI schema, so a new operation fails ``test_every_operation_is_walked``
until it gets an entry in OPERATIONS (who calls it, with which path and a valid body). Each string in
a path, a query string or a body gets NUL and a lone surrogate; each date out-of-range years; each
number and limit out-of-range values; each body 6 MB.
"""

import copy
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.utils import timezone

from sprintlab.api.api import api
from sprintlab.judging import comparisons
from sprintlab.judging.models import JudgingSettings, PairOffer
from sprintlab.registrations import check_in_codes
from sprintlab.registrations.models import Registration
from tests.core.hostile import (
    HUGE_BODY_BYTES,
    HUGE_LIMIT,
    LONE_SURROGATE,
    NUL,
    OUT_OF_RANGE_DATES,
    OUT_OF_RANGE_NUMBERS,
    World,
    assert_database_unchanged,
    build_world,
    database_snapshot,
)
from tests.helpers import LONE_SURROGATE_BYTES, bearer_for, multipart_with_raw_bytes
from tests.sprints.test_api import new_sprint_body

pytestmark = pytest.mark.django_db


def _in_days(days: int) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


def _site_application(world: World) -> dict:
    return {
        "name": "Cambridge Hub",
        "address": "17 Mill Lane",
        "city": "Cambridge",
        "country": "GB",
        "capacity": 20,
        "timezone": "Europe/London",
        "starts_at": world.sprint.kickoff_at.isoformat(),
        "ends_at": world.sprint.submission_deadline_at.isoformat(),
        "contact_name": "Ada",
        "contact_email": "ada@example.org",
        "latitude": "52.2",
        "longitude": "0.12",
        "co_organisers": [world.site_lead.email],
    }


def _check_in(world: World) -> None:
    Registration.objects.filter(pk=world.registration.pk).update(checked_in_at=timezone.now())


def _running(world: World) -> dict:
    return {"slug": world.running_sprint.slug}


def _new_slot(world: World) -> dict:
    starts = timezone.now() + timedelta(hours=6)
    return {
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=1)).isoformat(),
        "topic": "Evals clinic",
        "online_link": "https://meet.example.org/evals",
        "capacity": 2,
    }


@dataclass
class Operation:
    actor: str | None  # a World attribute, None for anonymous
    path: Callable[[World], dict] = lambda world: {}
    body: Callable[[World], dict] | None = None
    prepare: Callable[[World], None] = lambda world: None
    success: set[int] = field(default_factory=lambda: {200, 201, 204})
    # Files for an operation that takes multipart/form-data: the body's fields are sent with them.
    files: Callable[[World], dict] | None = None


def _pdf_files(world: World) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sprintlab.submissions.sample_pdf import sample_pdf

    return {"report": SimpleUploadedFile("report.pdf", sample_pdf("Walked"), content_type="application/pdf")}


SUBMISSION_OPERATIONS = {
    "GET /api/v1/submissions/sprints/{slug}": Operation("staff", _running),
    "GET /api/v1/submissions/sprints/{slug}/mine": Operation("mentee", _running),
    "POST /api/v1/submissions/sprints/{slug}/mine": Operation(
        "mentee",
        _running,
        lambda w: {"title": "Walked", "abstract": "We walk.", "info_hazard": "none", "code_url": "", "video_url": ""},
        files=_pdf_files,
    ),
    "GET /api/v1/submissions/{submission_id}": Operation("mentee", lambda w: {"submission_id": w.submission.pk}),
    "GET /api/v1/submissions/{submission_id}/versions": Operation(
        "mentee", lambda w: {"submission_id": w.submission.pk}
    ),
    "GET /api/v1/submissions/versions/{version_id}/report": Operation(
        "mentee", lambda w: {"version_id": w.submission_version.pk}
    ),
    "GET /api/v1/submissions/appendices/{appendix_id}": Operation("staff", lambda w: {"appendix_id": w.appendix.pk}),
    "PUT /api/v1/submissions/sprints/{slug}/teams/{team_id}/extension": Operation(
        "staff",
        lambda w: {**_running(w), "team_id": w.mentee_team.pk},
        lambda w: {"until": (w.running_sprint.submission_deadline_at + timedelta(hours=2)).isoformat(), "reason": "x"},
    ),
}


MENTORING_OPERATIONS = {
    "GET /api/v1/sprints/{slug}/mentors": Operation(None, _running),
    "PUT /api/v1/sprints/{slug}/mentors/{user_id}/profile": Operation(
        "mentor",
        lambda w: {**_running(w), "user_id": w.mentor.pk},
        lambda w: {"expertise": ["evaluations"], "bio": "Evals person.", "timezone": "Europe/London"},
    ),
    "GET /api/v1/sprints/{slug}/office-hours": Operation(None, _running),
    "POST /api/v1/sprints/{slug}/office-hours": Operation("mentor", _running, _new_slot),
    "DELETE /api/v1/sprints/{slug}/office-hours/{slot_id}": Operation(
        "mentor", lambda w: {**_running(w), "slot_id": w.slot.pk}
    ),
    "POST /api/v1/sprints/{slug}/office-hours/{slot_id}/bookings": Operation(
        "mentee", lambda w: {**_running(w), "slot_id": w.slot.pk}
    ),
    "POST /api/v1/sprints/{slug}/office-hour-bookings/{booking_id}/cancel": Operation(
        "mentee", lambda w: {**_running(w), "booking_id": w.booking.pk}
    ),
    "GET /api/v1/sprints/{slug}/help-requests": Operation("mentor", _running),
    "POST /api/v1/sprints/{slug}/help-requests": Operation(
        "mentee",
        _running,
        lambda w: {"topic": "Flat loss", "description": "Help", "contact": "@team", "tag": "evaluations"},
    ),
    "GET /api/v1/sprints/{slug}/help-requests/{request_id}": Operation(
        "mentor", lambda w: {**_running(w), "request_id": w.help_request.pk}
    ),
    "POST /api/v1/sprints/{slug}/help-requests/{request_id}/claim": Operation(
        "mentor", lambda w: {**_running(w), "request_id": w.help_request.pk}
    ),
    "POST /api/v1/sprints/{slug}/help-requests/{request_id}/release": Operation(
        "mentor", lambda w: {**_running(w), "request_id": w.claimed_request.pk}
    ),
    "POST /api/v1/sprints/{slug}/help-requests/{request_id}/close": Operation(
        "mentor", lambda w: {**_running(w), "request_id": w.claimed_request.pk}, lambda w: {"note": "Done"}
    ),
    "POST /api/v1/sprints/{slug}/help-requests/{request_id}/notes": Operation(
        "mentor", lambda w: {**_running(w), "request_id": w.claimed_request.pk}, lambda w: {"body": "Try this"}
    ),
    "GET /api/v1/sprints/{slug}/help-stats": Operation("staff", _running),
}


def _judging(world: World) -> dict:
    return {"slug": world.judging_sprint.slug}


def _judged(world: World) -> dict:
    return {**_judging(world), "submission_id": world.judged_submission.pk, "kind": "global"}


def _one_review_each(world: World) -> None:
    """Two judges, one of them forbidden from one submission: one review each can be assigned."""
    JudgingSettings.objects.filter(sprint=world.judging_sprint).update(reviews_per_submission=1, load_cap=5)


def _offer_pair(world: World) -> None:
    comparisons.pair_offer(actor=world.judge, sprint=world.judging_sprint)


def _answer_offered_pair(world: World) -> dict:
    offer = PairOffer.objects.get(judge=world.judge, sprint=world.judging_sprint)
    return {"left_id": offer.left_id, "right_id": offer.right_id, "winner_id": offer.left_id}


JUDGING = "/api/v1/sprints/{slug}/judging"
JUDGING_OPERATIONS = {
    f"GET {JUDGING}/pairs/next": Operation("judge", _judging),
    f"POST {JUDGING}/comparisons": Operation("judge", _judging, _answer_offered_pair, prepare=_offer_pair),
    f"GET {JUDGING}/pairwise-ranking": Operation("staff", _judging),
    f"GET {JUDGING}/settings": Operation("staff", _judging),
    f"PATCH {JUDGING}/settings": Operation(
        "staff",
        _judging,
        lambda w: {
            "reviews_per_submission": 2,
            "load_cap": 4,
            "nominations_per_site": 2,
            "reviews_due_at": _in_days(3),
            "same_site_conflicts": True,
        },
    ),
    "GET /api/v1/sprints/{slug}/judges": Operation("staff", _judging),
    "GET /api/v1/sprints/{slug}/judge-invitations": Operation("staff", _judging),
    "POST /api/v1/sprints/{slug}/judge-invitations": Operation(
        "staff", _judging, lambda w: {"email": "new-judge@example.org", "message": "Please judge"}
    ),
    "POST /api/v1/sprints/{slug}/judge-invitations/{invitation_id}/withdraw": Operation(
        "staff", lambda w: {**_judging(w), "invitation_id": w.judge_invitation.pk}
    ),
    "POST /api/v1/judge-invitations/accept": Operation(
        "participant", body=lambda w: {"token": w.judge_invitation_token}
    ),
    "GET /api/v1/me/judge-profile": Operation("judge"),
    "PUT /api/v1/me/judge-profile": Operation(
        "judge",
        body=lambda w: {
            "expertise_tags": ["evals"],
            "expertise": "Evals",
            "links": ["https://example.org"],
            "affiliation": "Acme",
            "conflict_institutions": ["Acme Labs"],
            "conflict_people": ["Ada"],
        },
    ),
    f"GET {JUDGING}/conflicts": Operation("staff", _judging),
    f"GET {JUDGING}/bids": Operation("judge", _judging),
    f"PUT {JUDGING}/bids/{{submission_id}}": Operation(
        "judge", lambda w: {**_judging(w), "submission_id": w.spare_submission.pk}, lambda w: {"level": "eager"}
    ),
    "GET /api/v1/sprints/{slug}/criteria": Operation("judge", _judging),
    "POST /api/v1/sprints/{slug}/criteria": Operation(
        "staff",
        _judging,
        lambda w: {
            "name": "Clarity",
            "description": "Clear?",
            "scale_min": 1,
            "scale_max": 5,
            "levels": {"1": "Murky", "5": "Clear"},
            "weight": "1.5",
        },
    ),
    "PUT /api/v1/sprints/{slug}/criteria/{criterion_id}": Operation(
        "staff", lambda w: {**_judging(w), "criterion_id": w.criterion.pk}, lambda w: {"name": "Rigour", "weight": 2}
    ),
    "DELETE /api/v1/sprints/{slug}/criteria/{criterion_id}": Operation(
        "staff", lambda w: {**_judging(w), "criterion_id": w.spare_criterion.pk}
    ),
    f"GET {JUDGING}/assignments": Operation("judge", _judging),
    f"POST {JUDGING}/assignments/run": Operation("staff", _judging, prepare=_one_review_each),
    f"POST {JUDGING}/assignments": Operation(
        "staff", _judging, lambda w: {"submission": w.spare_submission.pk, "judge": w.judge.pk}
    ),
    f"GET {JUDGING}/queue": Operation("judge", _judging),
    f"PUT {JUDGING}/reviews/{{submission_id}}/{{kind}}/scores/{{criterion_id}}": Operation(
        "judge", lambda w: {**_judged(w), "criterion_id": w.criterion.pk}, lambda w: {"value": 4}
    ),
    f"PATCH {JUDGING}/reviews/{{submission_id}}/{{kind}}": Operation(
        "judge",
        _judged,
        lambda w: {"feedback": "Clear work", "private_note": "Check data", "info_hazard_flag": False},
    ),
    f"GET {JUDGING}/reviews": Operation("staff", _judging),
    f"GET {JUDGING}/progress": Operation("staff", _judging),
    f"GET {JUDGING}/ranking": Operation("staff", _judging),
    f"POST {JUDGING}/remind": Operation("staff", _judging, lambda w: {"judges": [w.judge.pk]}),
    f"POST {JUDGING}/extra-reviews": Operation(
        "staff", _judging, lambda w: {"submission_id": w.nomination.submission_id}
    ),
    f"POST {JUDGING}/pair-rules": Operation(
        "staff",
        _judging,
        lambda w: {"submission": w.spare_submission.pk, "judge": w.judge.pk, "kind": "pin", "note": "Expert"},
    ),
    f"DELETE {JUDGING}/pair-rules/{{rule_id}}": Operation(
        "staff", lambda w: {**_judging(w), "rule_id": w.pair_rule.pk}
    ),
    f"DELETE {JUDGING}/assignments/{{assignment_id}}": Operation(
        "staff", lambda w: {**_judging(w), "assignment_id": w.judge_assignment.pk}
    ),
    f"GET {JUDGING}/nominations": Operation("staff", _judging),
    f"POST {JUDGING}/nominations": Operation(
        "local_judge",
        _judging,
        lambda w: {"site": w.judging_site.pk, "submission": w.spare_submission.pk, "note": "Strong"},
    ),
    f"DELETE {JUDGING}/nominations/{{nomination_id}}": Operation(
        "local_judge", lambda w: {**_judging(w), "nomination_id": w.nomination.pk}
    ),
}


def _pending(world: World) -> dict:
    return {"slug": world.library.pending_sprint.slug}


LIBRARY_OPERATIONS = {
    "GET /api/v1/library/projects": Operation(None),
    "GET /api/v1/library/projects/{project_id}": Operation(None, lambda w: {"project_id": w.library.project.pk}),
    "GET /api/v1/library/projects/{project_id}/bibtex": Operation(None, lambda w: {"project_id": w.library.project.pk}),
    "GET /api/v1/library/projects/{project_id}/similar": Operation(
        "staff", lambda w: {"project_id": w.library.clear.pk}
    ),
    "POST /api/v1/library/projects/{project_id}/publish": Operation(
        "staff", lambda w: {"project_id": w.library.clear.pk}
    ),
    "POST /api/v1/library/projects/{project_id}/hazard-decisions": Operation(
        "staff",
        lambda w: {"project_id": w.library.flagged.pk},
        lambda w: {"decision": "redact", "reason": "Recipe", "redacted_abstract": "Safe", "redaction_note": "Cut"},
    ),
    "GET /api/v1/sprints/{slug}/hazard-decisions": Operation("staff", _pending),
    "GET /api/v1/sprints/{slug}/results": Operation(None, lambda w: {"slug": w.library.released_sprint.slug}),
    "POST /api/v1/sprints/{slug}/results/release": Operation("staff", _pending),
    "GET /api/v1/sprints/{slug}/awards": Operation(None, lambda w: {"slug": w.library.released_sprint.slug}),
    "POST /api/v1/sprints/{slug}/awards": Operation(
        "staff", _pending, lambda w: {"prize": w.library.prize.pk, "project": w.library.flagged.pk}
    ),
    "DELETE /api/v1/sprints/{slug}/awards/{award_id}": Operation(
        "staff", lambda w: {**_pending(w), "award_id": w.library.award.pk}
    ),
    "GET /api/v1/certificates/{code}": Operation(None, lambda w: {"code": w.library.certificate.code}),
    "GET /api/v1/me/certificates": Operation("library_author"),
    "GET /api/v1/me/certificates/{slug}/pdf": Operation(
        "library_author", lambda w: {"slug": w.library.released_sprint.slug}
    ),
}


OPERATIONS = {
    **LIBRARY_OPERATIONS,
    "GET /api/v1/me": Operation("participant"),
    "PATCH /api/v1/me": Operation("participant", body=lambda w: {"bio": "Hello", "interests": ["evals"]}),
    "GET /api/v1/me/tokens": Operation("participant"),
    "DELETE /api/v1/me/tokens/{token_id}": Operation("participant", lambda w: {"token_id": w.token.pk}),
    "GET /api/v1/me/organising": Operation("staff"),
    "GET /api/v1/me/inbox": Operation("participant"),
    "GET /api/v1/me/inbox/unread-count": Operation("participant"),
    "POST /api/v1/me/inbox/{item_id}/read": Operation("participant", lambda w: {"item_id": w.inbox_item.pk}),
    "POST /api/v1/me/inbox/read": Operation("participant"),
    "GET /api/v1/me/notification-preferences": Operation("participant"),
    "PUT /api/v1/me/notification-preferences": Operation(
        "participant", body=lambda w: {"kinds": {"announcement": {"email": False, "in_app": True}}}
    ),
    "PUT /api/v1/people/{user_id}/organiser-role": Operation(
        "staff", lambda w: {"user_id": w.applicant.pk}, lambda w: {"granted": True}
    ),
    "GET /api/v1/sprints": Operation(None),
    "POST /api/v1/sprints": Operation(
        "staff",
        body=lambda w: new_sprint_body(
            tracks=[{"name": "Circuits", "description": "Find them"}],
            prizes=[{"name": "First", "amount": "$1,000", "description": "Best"}],
            partners=[w.partner.pk],
            capacity=50,
        ),
    ),
    "GET /api/v1/sprints/{slug}": Operation(None, lambda w: {"slug": w.sprint.slug}),
    "PATCH /api/v1/sprints/{slug}": Operation(
        "staff",
        lambda w: {"slug": w.sprint.slug},
        lambda w: {"title": "Renamed", "tracks": [{"name": "Evals"}], "prizes": [{"name": "Top"}]},
    ),
    "POST /api/v1/sprints/{slug}/clone": Operation(
        "staff",
        lambda w: {"slug": w.sprint.slug},
        lambda w: {"kickoff_at": _in_days(60), "slug": "copy", "title": "Copy"},
    ),
    "GET /api/v1/sprints/{slug}/registrations": Operation("staff", lambda w: {"slug": w.sprint.slug}),
    "GET /api/v1/sprints/{slug}/team": Operation("staff", lambda w: {"slug": w.sprint.slug}),
    "POST /api/v1/sprints/{slug}/team": Operation(
        "staff",
        lambda w: {"slug": w.sprint.slug},
        lambda w: {"email": w.applicant.email, "role": "cohost", "partner": w.partner.pk},
    ),
    "DELETE /api/v1/sprints/{slug}/team/{membership_id}": Operation(
        "staff", lambda w: {"slug": w.sprint.slug, "membership_id": w.cohost.pk}
    ),
    "GET /api/v1/sprints/{slug}/sites": Operation(None, lambda w: {"slug": w.sprint.slug}),
    "GET /api/v1/sprints/{slug}/team-finder/profile": Operation("participant", lambda w: {"slug": w.sprint.slug}),
    "PUT /api/v1/sprints/{slug}/team-finder/profile": Operation(
        "participant",
        lambda w: {"slug": w.sprint.slug},
        lambda w: {
            "timezone": "Europe/London",
            "interests": ["evaluations"],
            "skills": ["software"],
            "free_tags": ["evals"],
            "waking_start": 8,
            "waking_end": 23,
            "preferred_track": None,
            "note": "Hello",
        },
    ),
    "GET /api/v1/sprints/{slug}/team-finder/suggestions": Operation("participant", lambda w: {"slug": w.sprint.slug}),
    "GET /api/v1/sprints/{slug}/team-finder/groupings": Operation("staff", lambda w: {"slug": w.sprint.slug}),
    "POST /api/v1/sprints/{slug}/team-finder/groupings": Operation("staff", lambda w: {"slug": w.sprint.slug}),
    "GET /api/v1/sprints/{slug}/team-finder/my-group": Operation("participant", lambda w: {"slug": w.sprint.slug}),
    "POST /api/v1/sprints/{slug}/team-finder/my-group/answer": Operation(
        "participant", lambda w: {"slug": w.sprint.slug}, lambda w: {"accept": True}
    ),
    "GET /api/v1/sprints/{slug}/team-finder/outcomes": Operation("staff", lambda w: {"slug": w.sprint.slug}),
    "GET /api/v1/sites/{site_id}": Operation(None, lambda w: {"site_id": w.site.pk}),
    "POST /api/v1/sprints/{slug}/site-applications": Operation(
        "participant", lambda w: {"slug": w.sprint.slug}, _site_application
    ),
    "GET /api/v1/site-applications": Operation("staff"),
    "GET /api/v1/site-applications/{site_id}": Operation("applicant", lambda w: {"site_id": w.application.pk}),
    "PATCH /api/v1/site-applications/{site_id}": Operation(
        "applicant", lambda w: {"site_id": w.application.pk}, lambda w: {"name": "Renamed Hub", "co_organisers": []}
    ),
    "POST /api/v1/site-applications/{site_id}/approve": Operation("staff", lambda w: {"site_id": w.application.pk}),
    "POST /api/v1/site-applications/{site_id}/reject": Operation(
        "staff", lambda w: {"site_id": w.application.pk}, lambda w: {"reason": "Too far"}
    ),
    "POST /api/v1/site-applications/{site_id}/request-changes": Operation(
        "staff", lambda w: {"site_id": w.application.pk}, lambda w: {"reason": "Add an address"}
    ),
    "POST /api/v1/site-applications/{site_id}/withdraw": Operation(
        "applicant", lambda w: {"site_id": w.application.pk}
    ),
    "GET /api/v1/sites/{site_id}/attendees": Operation("site_lead", lambda w: {"site_id": w.site.pk}),
    "POST /api/v1/sites/{site_id}/check-ins": Operation(
        "site_lead", lambda w: {"site_id": w.site.pk}, lambda w: {"registration": w.registration.pk}
    ),
    "POST /api/v1/sites/{site_id}/check-ins/by-code": Operation(
        "site_lead", lambda w: {"site_id": w.site.pk}, lambda w: {"code": check_in_codes.short_code(w.registration.pk)}
    ),
    "DELETE /api/v1/sites/{site_id}/check-ins/{registration_id}": Operation(
        "site_lead", lambda w: {"site_id": w.site.pk, "registration_id": w.registration.pk}, prepare=_check_in
    ),
    "POST /api/v1/registrations": Operation(
        "participant",
        body=lambda w: {
            "sprint": w.open_sprint.slug,
            "experience_level": "some",
            "background": "CS student",
            "motivation": "Learn",
            "heard_from": "friend",
            "accepted_code_of_conduct": True,
        },
    ),
    "GET /api/v1/registrations/mine": Operation("participant"),
    **MENTORING_OPERATIONS,
    **JUDGING_OPERATIONS,
    **SUBMISSION_OPERATIONS,
    "GET /api/v1/registrations/{registration_id}": Operation(
        "participant", lambda w: {"registration_id": w.registration.pk}
    ),
    "GET /api/v1/registrations/{registration_id}/check-in-code": Operation(
        "participant", lambda w: {"registration_id": w.registration.pk}
    ),
    "POST /api/v1/registrations/{registration_id}/cancel": Operation(
        "participant", lambda w: {"registration_id": w.registration.pk}
    ),
    "POST /api/v1/registrations/{registration_id}/switch": Operation(
        "participant", lambda w: {"registration_id": w.registration.pk}, lambda w: {"site": None}
    ),
    "POST /api/v1/registrations/{registration_id}/confirm": Operation(
        "participant", lambda w: {"registration_id": w.offer.pk}
    ),
    "POST /api/v1/registrations/admission-waves": Operation(
        "staff",
        body=lambda w: {
            "sprint": w.reviewed_sprint.slug,
            "admit": [w.applied.pk],
            "message": "Welcome",
            "confirm_by": _in_days(3),
        },
        success={201},
    ),
    "GET /api/v1/sprints/{slug}/sessions": Operation(None, lambda w: {"slug": w.sprint.slug}),
    "POST /api/v1/sprints/{slug}/sessions": Operation(
        "staff",
        lambda w: {"slug": w.sprint.slug},
        lambda w: {
            "kind": "talk",
            "title": "Circuits in practice",
            "starts_at": (w.sprint.kickoff_at + timedelta(hours=2)).isoformat(),
            "ends_at": (w.sprint.kickoff_at + timedelta(hours=3)).isoformat(),
            "online_url": "https://meet.example.org/circuits",
            "site": w.site.pk,
            "speakers": [w.speaker.pk],
        },
        success={201},
    ),
    "PATCH /api/v1/sessions/{session_id}": Operation(
        "staff",
        lambda w: {"session_id": w.session.pk},
        lambda w: {
            "title": "Moved talk",
            "starts_at": (w.sprint.kickoff_at + timedelta(hours=4)).isoformat(),
            "ends_at": (w.sprint.kickoff_at + timedelta(hours=5)).isoformat(),
            "site": w.site.pk,
            "speakers": [w.speaker.pk],
            "kind": "keynote",
            "online_url": "https://meet.example.org/x",
            "description": "Moved.",
        },
    ),
    "POST /api/v1/sessions/{session_id}/cancel": Operation("staff", lambda w: {"session_id": w.session.pk}),
    "GET /api/v1/sprints/{slug}/speakers": Operation(None, lambda w: {"slug": w.sprint.slug}),
    "POST /api/v1/sprints/{slug}/speakers": Operation(
        "staff",
        lambda w: {"slug": w.sprint.slug},
        lambda w: {"name": "Ana Lee", "affiliation": "MATS", "bio": "Evals.", "link": "https://example.org/ana"},
        success={201},
    ),
    "PATCH /api/v1/sprints/{slug}/speakers/{speaker_id}": Operation(
        "staff", lambda w: {"slug": w.sprint.slug, "speaker_id": w.speaker.pk}, lambda w: {"bio": "Interpretability."}
    ),
    "GET /api/v1/me/agenda": Operation("participant"),
    "POST /api/v1/me/agenda/{session_id}": Operation("participant", lambda w: {"session_id": w.session.pk}),
    "DELETE /api/v1/me/agenda/{session_id}": Operation("participant", lambda w: {"session_id": w.session.pk}),
    "GET /api/v1/me/calendar-feed": Operation("participant"),
    "POST /api/v1/me/calendar-feed/reset": Operation("participant"),
    "GET /api/v1/sprints/{slug}/resources": Operation(None, lambda w: {"slug": w.sprint.slug}),
    "POST /api/v1/sprints/{slug}/resources": Operation(
        "staff",
        lambda w: {"slug": w.sprint.slug},
        lambda w: {"category": "datasets", "title": "TruthfulQA", "url": "https://example.org/tqa", "notes": "Small."},
        success={201},
    ),
    "PATCH /api/v1/sprints/{slug}/resources/{resource_id}": Operation(
        "staff",
        lambda w: {"slug": w.sprint.slug, "resource_id": w.resource.pk},
        lambda w: {"title": "Renamed", "category": "apis"},
    ),
    "DELETE /api/v1/sprints/{slug}/resources/{resource_id}": Operation(
        "staff", lambda w: {"slug": w.sprint.slug, "resource_id": w.resource.pk}
    ),
    "POST /api/v1/sprints/{slug}/resources/{resource_id}/move": Operation(
        "staff", lambda w: {"slug": w.sprint.slug, "resource_id": w.resource.pk}, lambda w: {"direction": "up"}
    ),
    "POST /api/v1/sprints/{slug}/resources/copy": Operation(
        "staff", lambda w: {"slug": w.sprint.slug}, lambda w: {"source_sprint": w.open_sprint.slug}, success={201}
    ),
    "GET /api/v1/sprints/{slug}/announcements": Operation("participant", lambda w: {"slug": w.sprint.slug}),
    "POST /api/v1/sprints/{slug}/announcements": Operation(
        "staff",
        lambda w: {"slug": w.sprint.slug},
        lambda w: {"audience": "site", "site": w.site.pk, "title": "Doors", "body": "Open at **9**."},
    ),
    "POST /api/v1/sprints/{slug}/announcements/preview": Operation(
        "site_lead",
        lambda w: {"slug": w.sprint.slug},
        lambda w: {"audience": "segment", "site": w.site.pk, "segments": ["confirmed", "first_timers"]},
    ),
    "GET /api/v1/sprints/{slug}/announcements/{announcement_id}": Operation(
        "staff", lambda w: {"slug": w.sprint.slug, "announcement_id": w.announcement.pk}
    ),
    "POST /api/v1/sprints/{slug}/announcements/{announcement_id}/send": Operation(
        "staff", lambda w: {"slug": w.sprint.slug, "announcement_id": w.announcement.pk}, success={202}
    ),
    "POST /api/v1/sprints/{slug}/announcements/{announcement_id}/schedule": Operation(
        "staff",
        lambda w: {"slug": w.sprint.slug, "announcement_id": w.announcement.pk},
        lambda w: {"scheduled_for": _in_days(2)},
    ),
    "POST /api/v1/sprints/{slug}/announcements/{announcement_id}/cancel": Operation(
        "staff", lambda w: {"slug": w.sprint.slug, "announcement_id": w.announcement.pk}
    ),
    "GET /api/v1/sprints/{slug}/teams": Operation(None, lambda w: {"slug": w.sprint.slug}),
    "POST /api/v1/sprints/{slug}/teams": Operation(
        "loner",
        lambda w: {"slug": w.sprint.slug},
        lambda w: {"name": "Sparse Probes", "description": "SAEs", "track": None, "looking_for": "policy"},
    ),
    "GET /api/v1/sprints/{slug}/teams/join-requests": Operation("joiner", lambda w: {"slug": w.sprint.slug}),
    "POST /api/v1/teams/join": Operation("loner", body=lambda w: {"code": w.team.invite_code}),
    "GET /api/v1/teams/{team_id}": Operation(None, lambda w: {"team_id": w.team.pk}),
    "PATCH /api/v1/teams/{team_id}": Operation(
        "team_lead", lambda w: {"team_id": w.team.pk}, lambda w: {"name": "Renamed", "looking_for": "a designer"}
    ),
    "POST /api/v1/teams/{team_id}/leave": Operation("team_member", lambda w: {"team_id": w.team.pk}),
    "POST /api/v1/teams/{team_id}/disband": Operation("team_lead", lambda w: {"team_id": w.team.pk}),
    "POST /api/v1/teams/{team_id}/hand-over": Operation(
        "team_lead", lambda w: {"team_id": w.team.pk}, lambda w: {"user": w.team_member.pk}
    ),
    "POST /api/v1/teams/{team_id}/remove": Operation(
        "team_lead", lambda w: {"team_id": w.team.pk}, lambda w: {"user": w.team_member.pk}
    ),
    "POST /api/v1/teams/{team_id}/new-code": Operation("team_lead", lambda w: {"team_id": w.team.pk}),
    "GET /api/v1/teams/{team_id}/join-requests": Operation("team_lead", lambda w: {"team_id": w.team.pk}),
    "POST /api/v1/teams/{team_id}/join-requests": Operation(
        "loner", lambda w: {"team_id": w.team.pk}, lambda w: {"message": "Hello", "from_finder": False}
    ),
    "POST /api/v1/teams/{team_id}/invitations": Operation(
        "team_member",
        lambda w: {"team_id": w.team.pk},
        lambda w: {"user": w.loner.pk, "message": "Join us", "from_finder": True},
    ),
    "POST /api/v1/teams/join-requests/{request_id}/accept": Operation(
        "team_lead", lambda w: {"request_id": w.join_request.pk}
    ),
    "POST /api/v1/teams/join-requests/{request_id}/decline": Operation(
        "team_lead", lambda w: {"request_id": w.join_request.pk}
    ),
    "POST /api/v1/teams/join-requests/{request_id}/withdraw": Operation(
        "joiner", lambda w: {"request_id": w.join_request.pk}
    ),
}


# --- reading the schema ----------------------------------------------------------------------


def schema_operations() -> dict[str, dict]:
    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}": op for path, ops in schema["paths"].items() for method, op in ops.items()}


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    options = [option for option in schema.get("anyOf", []) if option.get("type") != "null"]
    return _resolve(options[0], components) if options else schema


def body_leaves(schema: dict, components: dict, path: tuple[str, ...] = ()):
    """(path, kind) of every string, date-time and number a body may hold; lists by their first item."""
    schema = _resolve(schema, components)
    kind = schema.get("type")
    if "properties" in schema:
        for name, child in schema["properties"].items():
            yield from body_leaves(child, components, (*path, name))
    elif kind == "array":
        yield from body_leaves(schema["items"], components, (*path, "0"))
    elif kind == "string" or "enum" in schema or "const" in schema:
        yield path, "date" if schema.get("format") == "date-time" else "text"
    elif kind in ("integer", "number"):
        yield path, "number"


def with_value(body: dict, path: tuple[str, ...], value) -> dict:
    """A copy of ``body`` with ``value`` at ``path``; missing lists and objects are created on the way."""
    body = copy.deepcopy(body)
    container = body
    for key, next_key in itertools.pairwise(path):
        index = int(key) if isinstance(container, list) else key
        if isinstance(container, list) and not container:
            container.append({} if not next_key.isdigit() else [])
        elif isinstance(container, dict) and not isinstance(container.get(key), (dict, list)):
            container[key] = [] if next_key.isdigit() else {}
        container = container[index]
    last = path[-1]
    if isinstance(container, list):
        container[: int(last) + 1] = [value]
    else:
        container[last] = value
    return body


# A negative coordinate is an ordinary place (west of Greenwich, south of the equator).
ORDINARY_NUMBERS = {("latitude", -1), ("longitude", -1)}


# --- the cases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    operation: str
    where: str  # path, query or body
    name: str  # the parameter or the body path ("tracks.0.name")
    value: object
    kind: str  # text (NUL, surrogate: the message must name the field) or other

    @property
    def id(self) -> str:
        if self.kind == "huge":
            return f"{self.operation} body=6MB"
        shown = {NUL: "NUL", LONE_SURROGATE: "surrogate"}.get(self.value, self.value)
        return f"{self.operation} {self.where}:{self.name}={shown}"


def hostile_cases() -> list[Case]:
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    cases = []
    for key, op in schema_operations().items():
        for parameter in op.get("parameters", []):
            where, name = parameter["in"], parameter["name"]
            cases += [Case(key, where, name, value, "text") for value in (NUL, LONE_SURROGATE)]
            if where == "query" and _resolve(parameter["schema"], components).get("type") != "string":
                cases += [Case(key, where, name, value, "range") for value in (HUGE_LIMIT, "100000000", "-1")]
        if not key.startswith("GET "):
            # Also where no body is expected: nobody should have to read 6 MB to find that out.
            cases.append(Case(key, "body", "", "x" * HUGE_BODY_BYTES, "huge"))
        content = op.get("requestBody", {}).get("content", {})
        multipart = "multipart/form-data" in content
        body = content.get("multipart/form-data" if multipart else "application/json", {}).get("schema")
        for path, kind in body_leaves(body, components) if body else ():
            name = ".".join(path)
            if multipart and kind == "text" and name in ("report", "appendices", "appendices.0"):
                continue  # the files: what a bad file gets is tested in tests/submissions
            if kind == "text":
                cases += [Case(key, "body", name, value, "text") for value in (NUL, LONE_SURROGATE)]
            elif kind == "date":
                cases += [Case(key, "body", name, value, "range") for value in OUT_OF_RANGE_DATES]
            else:
                values = [v for v in OUT_OF_RANGE_NUMBERS if (path[-1], v) not in ORDINARY_NUMBERS]
                cases += [Case(key, "body", name, value, "range") for value in values]
    return cases


CASES = hostile_cases()


def _url(operation: str, path_values: dict) -> str:
    url = operation.split(" ", 1)[1]
    for name, value in path_values.items():
        url = url.replace("{" + name + "}", str(value))
    return url


def _as_sent(value) -> str:
    # What a client can send: NUL percent-encoded, a lone surrogate as its (invalid) UTF-8 bytes.
    return {NUL: "a%00b", LONE_SURROGATE: "%ED%BF%BF"}.get(value, str(value))


def request_for(world: World, operation: str, hostile: Case | None = None) -> Callable:
    """The request, ready to send: its state and the caller's token exist before the snapshot is taken."""
    spec = OPERATIONS[operation]
    spec.prepare(world)
    path_values = spec.path(world)
    body = spec.body(world) if spec.body else None
    query = ""
    if hostile and hostile.where == "path":
        path_values = {**path_values, hostile.name: _as_sent(hostile.value)}
    elif hostile and hostile.where == "query":
        query = f"?{hostile.name}={_as_sent(hostile.value)}"
    elif hostile and hostile.kind == "huge":
        body = {"padding": hostile.value}
    elif hostile:
        body = with_value(body or {}, tuple(hostile.name.split(".")), hostile.value)
    method = operation.split(" ", 1)[0]
    url = _url(operation, path_values) + query
    data = json.dumps(body) if body is not None else ""
    headers = bearer_for(world.user(spec.actor)) if spec.actor else {}
    if spec.files is not None and not (hostile and hostile.kind == "huge"):
        form = {**(body or {}), **spec.files(world)}
        if hostile and hostile.where == "body" and hostile.value == LONE_SURROGATE:
            # Sent as a browser sends it in a multipart field: its (invalid) UTF-8 bytes.
            form.pop(hostile.name)
            raw, content_type = multipart_with_raw_bytes(form, {hostile.name: LONE_SURROGATE_BYTES})
            return lambda client: client.post(url, raw, content_type=content_type, headers=headers)
        return lambda client: client.post(url, form, headers=headers)
    return lambda client: client.generic(method, url, data, content_type="application/json", headers=headers)


# --- the tests -------------------------------------------------------------------------------


def test_every_operation_is_walked():
    assert set(OPERATIONS) == set(schema_operations())


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_the_walk_reaches_each_operation(client, operation):
    """A valid request succeeds, so each refusal below comes from the input, not from the set-up."""
    response = request_for(build_world(), operation)(client)
    assert response.status_code in OPERATIONS[operation].success, response.content[:500]


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in CASES])
def test_hostile_input_is_refused_with_a_message_and_changes_nothing(client, case):
    send = request_for(build_world(), case.operation, case)
    before = database_snapshot()
    response = send(client)
    assert 400 <= response.status_code < 500, response.content[:500]
    assert response["Content-Type"].startswith("application/json"), response.content[:300]
    body = response.json()
    assert isinstance(body.get("detail"), str) and body["detail"], body
    assert isinstance(body.get("errors"), dict), body
    if case.kind == "text":
        named = set(body["errors"])
        assert case.name in named or (case.where == "path" and "path" in named), body
    assert_database_unchanged(before)
