"""The library's API: search and filters with pagination, details, BibTeX, the gate, winners, results, certificates."""

import pytest

from sprintlab.library import services
from sprintlab.library.models import Certificate, HazardDecision
from sprintlab.submissions.models import InfoHazard
from tests.helpers import bearer_for
from tests.library.factories import PrizeFactory, ProjectFactory, make_organiser, make_reviewer

pytestmark = pytest.mark.django_db


def published(**kwargs):
    project = ProjectFactory(**kwargs)
    services.project_publish(actor=make_organiser(project.sprint), submission=project)
    return project


def test_search_filters_and_pages(client):
    wanted = published(title="Circuit discovery", report_text="We found a quasimodular circuit.")
    published(title="Other")
    response = client.get("/api/v1/library/projects", {"q": "quasimodular"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["items"][0]["id"] == wanted.pk
    assert client.get("/api/v1/library/projects", {"sprint": wanted.sprint.slug}).json()["count"] == 1
    assert client.get("/api/v1/library/projects", {"page": 2}).json()["items"] == []


@pytest.mark.parametrize(
    "params", [{"page": "99999999999"}, {"year": "99999"}, {"year": "1999"}, {"q": "x" * 500}, {"area": "nope"}]
)
def test_search_refuses_odd_parameters_with_422(client, params):
    assert client.get("/api/v1/library/projects", params).status_code == 422


def test_search_refuses_nul(client):
    assert client.get("/api/v1/library/projects", {"q": "a\x00"}).status_code in (400, 422)


def test_detail_and_bibtex(client):
    project = published(title="Under_scores & 50%")
    detail = client.get(f"/api/v1/library/projects/{project.pk}").json()
    assert detail["published"] is True and detail["authors"][0]["profile_url"] == f"/people/{project.team.lead.pk}/"
    bib = client.get(f"/api/v1/library/projects/{project.pk}/bibtex").json()["bibtex"]
    assert r"Under\_scores \& 50\%" in bib


def test_unpublished_detail_is_404_for_strangers(client):
    project = ProjectFactory()
    assert client.get(f"/api/v1/library/projects/{project.pk}").status_code == 404
    assert (
        client.get(f"/api/v1/library/projects/{project.pk}", headers=bearer_for(project.team.lead)).status_code == 200
    )


def test_gate_through_the_api():
    from django.test import Client

    client = Client()
    project = ProjectFactory(info_hazard=InfoHazard.POSSIBLE)
    organiser = bearer_for(make_organiser(project.sprint))
    refused = client.post(f"/api/v1/library/projects/{project.pk}/publish", headers=organiser)
    assert refused.status_code == 409
    reviewer = bearer_for(make_reviewer(project.sprint))
    decided = client.post(
        f"/api/v1/library/projects/{project.pk}/hazard-decisions",
        {"decision": "redact", "reason": "Protocol details.", "redacted_abstract": "Safe.", "redaction_note": "Cut."},
        content_type="application/json",
        headers=reviewer,
    )
    assert decided.status_code == 201, decided.json()
    assert HazardDecision.objects.count() == 1
    published_now = client.post(f"/api/v1/library/projects/{project.pk}/publish", headers=organiser)
    assert published_now.status_code == 200 and published_now.json()["redacted"] is True
    log = client.get(f"/api/v1/sprints/{project.sprint.slug}/hazard-decisions", headers=organiser).json()
    assert [entry["reason"] for entry in log] == ["Protocol details."]
    assert client.get(f"/api/v1/sprints/{project.sprint.slug}/hazard-decisions").status_code == 401
    stranger = client.post(
        f"/api/v1/library/projects/{project.pk}/hazard-decisions",
        {"decision": "private", "reason": "x"},
        content_type="application/json",
        headers=bearer_for(project.team.lead),
    )
    assert stranger.status_code == 403


def test_awards_release_results_and_certificates(client):
    project = ProjectFactory()
    prize = PrizeFactory(sprint=project.sprint, name="Grand prize")
    organiser = bearer_for(make_organiser(project.sprint))
    slug = project.sprint.slug
    assert client.get(f"/api/v1/sprints/{slug}/results").status_code == 404
    award = client.post(
        f"/api/v1/sprints/{slug}/awards", {"prize": prize.pk, "project": project.pk},
        content_type="application/json", headers=organiser,
    )  # fmt: skip
    assert award.status_code == 201
    release = client.post(f"/api/v1/sprints/{slug}/results/release", headers=organiser)
    assert release.json() == {"published": 1, "awaiting_review": 0, "kept_private": 0}
    results = client.get(f"/api/v1/sprints/{slug}/results").json()
    assert results["awards"][0]["prize"] == "Grand prize"
    assert client.get(f"/api/v1/sprints/{slug}/awards").json()[0]["project"] == project.pk
    certificate = services.certificate_issue(actor=project.team.lead, sprint=project.sprint)
    check = client.get(f"/api/v1/certificates/{certificate.code}").json()
    assert check["holder_name"] == certificate.holder_name and check["kind"] == "winner"
    assert client.get("/api/v1/certificates/UNKNOWN").status_code == 404
    assert Certificate.objects.count() == 1
    removed = client.delete(f"/api/v1/sprints/{slug}/awards/{award.json()['id']}", headers=organiser)
    assert removed.status_code == 204


def test_similar_for_organisers_only(client):
    project = ProjectFactory()
    url = f"/api/v1/library/projects/{project.pk}/similar"
    assert client.get(url, headers=bearer_for(make_organiser(project.sprint))).json() == []
    assert client.get(url, headers=bearer_for(project.team.lead)).status_code == 403


def test_search_by_track_name_and_site_slug(client):
    from sprintlab.registrations.models import Registration
    from tests.factories import LocalSiteFactory
    from tests.teams.factories import TrackFactory

    project = ProjectFactory()
    project.track = TrackFactory(sprint=project.sprint, name="Probing")
    project.save()
    site = LocalSiteFactory(sprint=project.sprint)
    Registration.objects.filter(sprint=project.sprint, user=project.team.lead).update(site=site)
    services.project_publish(actor=make_organiser(project.sprint), submission=project)
    published()
    assert client.get("/api/v1/library/projects", {"track": "probing"}).json()["count"] == 1
    assert client.get("/api/v1/library/projects", {"site": site.slug}).json()["count"] == 1
    assert client.get("/api/v1/library/projects", {"site": "nowhere"}).json()["count"] == 0
