"""The library's pages: search and filters, project pages and files, certificates, organisers' and reviewers' pages."""

import re

import pytest
from django.urls import reverse

from sprintlab.library import services
from sprintlab.library.models import Certificate, HazardDecision
from sprintlab.registrations.models import Registration
from sprintlab.submissions.models import InfoHazard
from tests.factories import LocalSiteFactory, PastSprintFactory
from tests.library.factories import PrizeFactory, ProjectFactory, make_organiser, make_reviewer
from tests.submissions.factories import running_sprint

pytestmark = pytest.mark.django_db


def published(**kwargs):
    project = ProjectFactory(**kwargs)
    services.project_publish(actor=make_organiser(project.sprint), submission=project)
    return project


def titles(response) -> list[str]:
    return re.findall(r'<h2><a href="/library/\d+/">([^<]+)</a></h2>', response.content.decode())


def test_the_library_without_a_search_lists_newest_first(client):
    older = published(title="Older")
    newer = published(title="Newer")
    response = client.get(reverse("library:index"))
    assert response.status_code == 200
    assert titles(response) == [newer.title, older.title]


def test_search_finds_a_word_only_in_the_report_text(client):
    wanted = published(title="Steering vectors", report_text="We measured a zyxomatic effect in layer 4.")
    published(title="Other work")
    response = client.get(reverse("library:index"), {"q": "zyxomatic"})
    assert titles(response) == [wanted.title]


def test_search_matches_every_word_across_fields(client):
    wanted = published(title="Sparse autoencoders", abstract="Features in chess models.")
    published(title="Sparse probes", abstract="Linear features.")
    assert titles(client.get(reverse("library:index"), {"q": "sparse chess"})) == [wanted.title]


def test_filters(client):
    first = published()
    second = published(title="Awarded one")
    site = LocalSiteFactory(sprint=second.sprint)
    Registration.objects.filter(sprint=second.sprint, user=second.team.lead).update(site=site)
    services.award_grant(
        actor=make_organiser(second.sprint), prize=PrizeFactory(sprint=second.sprint), submission=second
    )
    services.project_publish(actor=make_organiser(second.sprint), submission=second)
    url = reverse("library:index")
    assert titles(client.get(url, {"sprint": first.sprint.slug})) == [first.title]
    assert titles(client.get(url, {"awarded": "on"})) == [second.title]
    assert titles(client.get(url, {"site": site.pk})) == [second.title]
    year = first.sprint.kickoff_at.year
    assert len(titles(client.get(url, {"year": year}))) == 2
    assert titles(client.get(url, {"year": year - 5})) == []
    assert titles(client.get(url, {"area": "governance"})) == []


def test_unpublished_and_private_projects_stay_out_of_the_library(client):
    ProjectFactory(title="Not yet")
    flagged = ProjectFactory(title="Flagged", info_hazard=InfoHazard.YES)
    services.results_release(actor=make_organiser(flagged.sprint), sprint=flagged.sprint)
    assert titles(client.get(reverse("library:index"), {"q": "flagged"})) == []
    assert client.get(reverse("library:project", kwargs={"pk": flagged.pk})).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"q": "a\x00b"},
        {"page": "99999999999999999999"},
        {"page": "-3"},
        {"year": "99999"},
        {"year": "-1"},
        {"year": "twenty"},
        {"track": "1e9"},
        {"site": "9223372036854775808"},
        {"sprint": "../../etc"},
        {"q": "x" * 5000},
        {"area": "<script>"},
    ],
)
def test_hostile_search_parameters_never_fail(client, params):
    published()
    response = client.get(reverse("library:index"), params)
    assert response.status_code in (200, 400)


def test_project_page_links_authors_and_cites(client):
    project = published(title="Attention & {braces} 100%")
    response = client.get(reverse("library:project", kwargs={"pk": project.pk}))
    body = response.content.decode()
    assert reverse("accounts:public_profile", kwargs={"pk": project.team.lead.pk}) in body
    assert r"Attention \&amp; \{braces\} 100\%" in body
    bib = client.get(reverse("library:bibtex", kwargs={"pk": project.pk}))
    assert bib["Content-Type"].startswith("application/x-bibtex")
    assert r"title = {{Attention \& \{braces\} 100\%}}" in bib.content.decode()


def test_public_pdf_is_a_download_that_nothing_runs(client):
    project = published()
    response = client.get(reverse("library:report", kwargs={"pk": project.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_unpublished_pdf_only_for_the_team(client):
    project = ProjectFactory()
    url = reverse("library:report", kwargs={"pk": project.pk})
    assert client.get(url).status_code == 404
    client.force_login(project.team.lead)
    assert client.get(url).status_code == 200


def test_redacted_project_without_a_replacement_pdf_has_no_public_pdf(client):
    project = ProjectFactory(info_hazard=InfoHazard.YES)
    services.hazard_decide(
        actor=make_reviewer(project.sprint), submission=project, decision="redact", reason="r",
        redacted_abstract="Safe abstract.", redaction_note="Methods removed.",
    )  # fmt: skip
    services.project_publish(actor=make_organiser(project.sprint), submission=project)
    page = client.get(reverse("library:project", kwargs={"pk": project.pk})).content.decode()
    assert "Safe abstract." in page and "Methods removed." in page and project.abstract not in page
    assert client.get(reverse("library:report", kwargs={"pk": project.pk})).status_code == 404


def test_certificate_download_and_verification(client):
    project = ProjectFactory()
    services.results_release(actor=make_organiser(project.sprint), sprint=project.sprint)
    client.force_login(project.team.lead)
    response = client.get(reverse("library:certificate", kwargs={"slug": project.sprint.slug}))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    certificate = Certificate.objects.get()
    client.logout()
    page = client.get(reverse("library:verify", kwargs={"code": certificate.code}))
    body = page.content.decode()
    assert page.status_code == 200
    assert certificate.holder_name in body and project.sprint.title in body
    assert client.get(reverse("library:verify", kwargs={"code": "NOSUCHCODE12"})).status_code == 404
    lookup = client.get(reverse("library:verify_lookup"), {"code": certificate.code.lower()})
    assert lookup.status_code == 302


def test_certificate_refused_before_release(client):
    project = ProjectFactory()
    client.force_login(project.team.lead)
    response = client.get(reverse("library:certificate", kwargs={"slug": project.sprint.slug}))
    assert response.status_code == 409


def test_reviewer_decides_through_the_page(client):
    project = ProjectFactory(info_hazard=InfoHazard.POSSIBLE)
    reviewer = make_reviewer(project.sprint)
    client.force_login(reviewer)
    url = reverse("library:hazard_decide", kwargs={"slug": project.sprint.slug, "pk": project.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"decision": "private", "reason": "Too specific."})
    assert response.status_code == 302
    assert HazardDecision.objects.get().reason == "Too specific."
    queue = client.get(reverse("library:hazard_queue", kwargs={"slug": project.sprint.slug}))
    assert "Too specific." in queue.content.decode()


def test_the_sprint_page_links_its_info_hazard_reviewers_to_the_review_once_submissions_close(client):
    project = ProjectFactory(info_hazard=InfoHazard.POSSIBLE)
    sprint = project.sprint
    review_url = reverse("library:hazard_queue", kwargs={"slug": sprint.slug})
    client.force_login(make_reviewer(sprint))
    assert review_url in client.get(sprint.get_absolute_url()).content.decode()
    # Before the deadline there is nothing to decide yet.
    running = running_sprint()
    client.force_login(make_reviewer(running))
    assert "hazard-review" not in client.get(running.get_absolute_url()).content.decode()
    # Nobody else is shown the link: neither the team nor another sprint's reviewer.
    for person in (project.team.lead, make_reviewer(PastSprintFactory())):
        client.force_login(person)
        assert review_url not in client.get(sprint.get_absolute_url()).content.decode()


def test_organiser_awards_releases_and_exports(client):
    project = ProjectFactory()
    prize = PrizeFactory(sprint=project.sprint, name="Best paper")
    client.force_login(make_organiser(project.sprint))
    slug = project.sprint.slug
    assert client.get(reverse("library:manage_results", kwargs={"slug": slug})).status_code == 200
    client.post(reverse("library:award_add", kwargs={"slug": slug}), {"prize": prize.pk, "submission": project.pk})
    client.post(reverse("library:release", kwargs={"slug": slug}))
    data = client.get(reverse("library:results_json", kwargs={"slug": slug})).json()
    assert data["released"] is True
    assert data["awards"][0]["prize"] == "Best paper"
    assert data["projects"][0]["published"] is True
    client.logout()
    public = client.get(reverse("library:results", kwargs={"slug": slug}))
    assert "Best paper" in public.content.decode()


def test_similar_earlier_projects(client):
    past = PastSprintFactory()
    close = published(sprint=past, title="Refusal direction ablation", abstract="Ablating the refusal direction.")
    published(sprint=past, title="Chess features", abstract="Board state probes.", report_text="Knights.")
    project = ProjectFactory(title="Refusal direction in chat models", abstract="Where refusal lives.")
    client.force_login(make_organiser(project.sprint))
    response = client.get(reverse("library:similar", kwargs={"slug": project.sprint.slug, "pk": project.pk}))
    body = response.content.decode()
    assert body.index(close.title) < body.index("Chess features") if "Chess features" in body else close.title in body
    assert re.search(r'class="similarity">\d+%', body)
