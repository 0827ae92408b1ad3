"""The whole cycle of a sprint's results in Chromium, through the web pages only (docs/library.md).

A team submits a PDF whose body holds a word found nowhere else; its text is read in the background.
The organiser sets k=2 and runs the assignment; two judges score on their phones with autosave, write
feedback, and one flags an info hazard. The info-hazard reviewer lets the project through, the
organiser awards the prize and publishes the results, the team reads its anonymous scores and
feedback, and a visitor finds the project in the library by the word from the PDF's body.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sprintlab.judging.models import Assignment, Review
from sprintlab.library.models import HazardDecision, Publication, ResultsRelease
from sprintlab.sprints.models import Sprint, SprintRole
from sprintlab.submissions.models import Submission
from sprintlab.submissions.sample_pdf import sample_pdf
from tests.browser_support import (
    PHONE,
    assert_accessible,
    open_page,
    prepare_page,
    save_screenshot,
    sign_in,
    wait_until_settled,
)
from tests.factories import SprintMembershipFactory, UserFactory
from tests.judging.factories import CriterionFactory, make_judge
from tests.library.factories import PrizeFactory
from tests.submissions import factories as submission_factories
from tests.teams.factories import TrackFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
# In the report's body only: neither the title nor the abstract holds it.
BODY_WORD = "quasiperiodicity"
TITLE = "Refusal directions in small chat models"
ABSTRACT = "We find one direction that mediates refusal and measure what ablating it does."
JUDGE_NAMES = ("Ada Lovelace-Judge", "Grace Hopper-Judge", "Alan Turing-Judge")
# What each judge gives on each criterion, and writes for the team.
SCORES = ({"Rigour": "4", "Clarity": "3"}, {"Rigour": "5", "Clarity": "2"})
FEEDBACK = (
    "A clean ablation; the second model family would make the claim much stronger.",
    "Lovely figures. Say earlier why the direction generalises beyond the prompts you used.",
)
HAZARD_NOTE = "The appendix prompts read like a recipe for bypassing refusals."


@pytest.fixture
def new_person(browser):
    """A function opening a fresh browser context (one person's session) with the given options."""
    contexts = []

    def open_context(options: dict):
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        prepare_page(page)
        return page

    yield open_context
    for context in contexts:
        context.close()


def autosaved(page, action) -> None:
    """Do ``action`` on the review's texts and wait until the save it sends (after the typing pause,
    or at once when a field is left) has been answered, so that no two saves ever overlap."""
    with page.expect_response(lambda response: response.url.endswith("/texts/")) as answer:
        action()
    assert answer.value.ok, answer.value.status


def score_with_autosave(page, criteria, scores: dict, feedback: str, *, hazard_note: str = "") -> None:
    """On the scoring page: tap each criterion's score and write the feedback (with ``hazard_note``,
    also a private note and the info-hazard flag), each change saved before the next is made."""
    for criterion in criteria:
        card = page.locator(f"#criterion-{criterion.pk}")
        value = scores[criterion.name]
        # The radio itself is hidden behind its big label: the judge taps the label.
        card.locator("label.score-option").filter(has_text=re.compile(rf"^\s*{value}\s*$")).tap()
        expect(card.get_by_role("radio", name=value, exact=True)).to_be_checked()
        expect(card.locator(".autosave-ok")).to_have_text("Saved")
    feedback_box = page.get_by_label("Feedback for the team")
    autosaved(page, lambda: feedback_box.fill(feedback))
    autosaved(page, lambda: feedback_box.press("Tab"))
    if hazard_note:
        note_box = page.get_by_label("Private note to the organisers")
        autosaved(page, lambda: note_box.fill(hazard_note))
        autosaved(page, lambda: note_box.press("Tab"))
        autosaved(page, lambda: page.get_by_label(re.compile("This may be an info hazard")).check())


def assert_inset(card) -> None:
    """The card's padding is in place: its first link does not touch its left or right edge."""
    outer, inner = card.bounding_box(), card.get_by_role("link").first.bounding_box()
    assert inner["x"] - outer["x"] >= 8
    assert outer["x"] + outer["width"] - (inner["x"] + inner["width"]) >= 8


def assert_fits_the_phone(page) -> None:
    """Nothing on the page is wider than the phone's screen."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_sprint_from_submission_to_the_public_library(new_person, live_server, tmp_path):
    base = live_server.url
    sprint = submission_factories.running_sprint(title="Refusal Research Sprint")
    TrackFactory(sprint=sprint, name="Probing")
    PrizeFactory(sprint=sprint, name="Best research", amount="$2,000")
    team = submission_factories.team_in(sprint, name="The Ablators")
    # Another team's project, without the word: the search must tell them apart.
    other = submission_factories.team_in(sprint, name="The Chess Players")
    submission_factories.save(other, title="Board state probes", abstract="Linear probes find the board.")
    organiser = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user
    reviewer = SprintMembershipFactory(sprint=sprint, role=SprintRole.HAZARD_REVIEWER).user
    judges = [make_judge(sprint, UserFactory(display_name=name)) for name in JUDGE_NAMES]
    rigour = CriterionFactory(sprint=sprint, name="Rigour", levels={"1": "Claims without support", "5": "Careful"})
    clarity = CriterionFactory(sprint=sprint, name="Clarity", levels={})

    # 1. The team lead submits the report; its text is read in the background.
    report = tmp_path / "refusal-report.pdf"
    body = f"Section 3 shows that the refusal rate follows a {BODY_WORD} pattern across prompt lengths."
    report.write_bytes(sample_pdf(TITLE, [body, "We release the probes and the prompts."], pages=2))
    lead = new_person(DESKTOP)
    sign_in(lead, base, team.lead.email, PASSWORD)
    open_page(lead, f"{base}{sprint.get_absolute_url()}")
    lead.get_by_role("link", name="Your submission").click()
    wait_until_settled(lead)
    lead.get_by_label("Title").fill(TITLE)
    lead.get_by_label("Abstract").fill(ABSTRACT)
    lead.get_by_label("Track").select_option(label="Probing")
    lead.get_by_label("No", exact=True).check()
    lead.get_by_label("Report (PDF)").set_input_files(str(report))
    lead.get_by_role("button", name="Submit").click()
    expect(lead.locator(".messages")).to_contain_text("Version 1 is saved")
    # The task ran once the save committed, before the page came back (tests run tasks at once):
    # the version already has its preview.
    expect(lead.get_by_role("img", name="First page of the report")).to_be_visible()
    assert_accessible(lead, "submission saved")
    save_screenshot(lead, "cycle-01-submitted")
    submission = Submission.objects.get(team=team)
    assert BODY_WORD in submission.report_text
    assert BODY_WORD not in f"{submission.title} {submission.abstract}".casefold()

    # The submission deadline passes: judging starts.
    Sprint.objects.filter(pk=sprint.pk).update(submission_deadline_at=timezone.now() - timedelta(minutes=1))

    # 2. The organiser asks for two reviews per submission and runs the assignment.
    desk = new_person(DESKTOP)
    sign_in(desk, base, organiser.email, PASSWORD)
    open_page(desk, f"{base}{sprint.get_absolute_url()}")
    desk.get_by_role("navigation", name="Organiser tools").get_by_role("link", name="Judging").click()
    wait_until_settled(desk)
    expect(desk.get_by_role("heading", name="Judging", level=1)).to_be_visible()
    assert_accessible(desk, "judging overview")
    desk.get_by_label("Reviews per submission (k)").fill("2")
    desk.get_by_role("button", name="Save settings").click()
    expect(desk.locator(".messages")).to_contain_text("Judging settings saved.")
    desk.get_by_role("link", name="Assignments").click()
    wait_until_settled(desk)
    expect(desk.get_by_text("Every submission gets 2 reviews")).to_be_visible()
    assert_accessible(desk, "assignments before the run")
    desk.get_by_role("button", name="Run the assignment").click()
    expect(desk.locator(".messages")).to_contain_text("The assignment wrote 4 new pairs.")
    pairs = desk.get_by_role("region", name="Who reviews what, and why").locator("tbody tr")
    expect(pairs).to_have_count(4)
    expect(pairs.filter(has_text=TITLE)).to_have_count(2)
    assert_accessible(desk, "assignments after the run")
    save_screenshot(desk, "cycle-02-assignments")
    assigned_ids = set(Assignment.objects.filter(submission=submission).values_list("judge_id", flat=True))
    assigned = [judge for judge in judges if judge.pk in assigned_ids]
    assert len(assigned) == 2

    # 3. Each of the two judges scores on a phone, with autosave; the second flags an info hazard.
    for number, (judge, scores, feedback) in enumerate(zip(assigned, SCORES, FEEDBACK, strict=True), start=1):
        phone = new_person(PHONE)
        sign_in(phone, base, judge.email, PASSWORD)
        open_page(phone, f"{base}{sprint.get_absolute_url()}")
        phone.get_by_role("link", name="My judging queue").click()
        wait_until_settled(phone)
        expect(phone.get_by_role("heading", name="My judging queue")).to_be_visible()
        if number == 1:
            assert_accessible(phone, "judging queue on a phone")
        assert_fits_the_phone(phone)
        assert_inset(phone.locator(".queue-item", has_text=TITLE))
        save_screenshot(phone, f"cycle-03-queue-judge-{number}-phone")
        phone.locator(".queue-list").get_by_role("link", name=TITLE).click()
        wait_until_settled(phone)
        expect(phone.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
        if number == 1:
            assert_accessible(phone, "scoring page on a phone")
        score_with_autosave(phone, (rigour, clarity), scores, feedback, hazard_note=HAZARD_NOTE if number == 2 else "")
        expect(phone.locator(".review-texts .autosave-ok")).to_have_text("Saved")
        review = Review.objects.get(submission=submission, judge=judge)
        assert review.feedback == feedback and review.info_hazard_flag is (number == 2)
        assert {score.criterion.name: score.value for score in review.scores.all()} == {
            name: Decimal(value) for name, value in scores.items()
        }
        assert_fits_the_phone(phone)
        save_screenshot(phone, f"cycle-04-scored-judge-{number}-phone")
        phone.get_by_role("button", name="Done: next submission").click()
        expect(phone.locator(".messages")).to_contain_text("Review done. Thank you!")
        expect(phone.locator(".queue-item", has_text=TITLE).get_by_text("Done", exact=True)).to_be_visible()
        review.refresh_from_db()
        assert review.completed_at is not None

    # 4. The info-hazard reviewer sees the judge's flag and lets the project through.
    hazard = new_person(DESKTOP)
    sign_in(hazard, base, reviewer.email, PASSWORD)
    open_page(hazard, f"{base}{sprint.get_absolute_url()}")
    hazard.get_by_role("link", name="Info-hazard review").click()
    wait_until_settled(hazard)
    flagged = hazard.get_by_role("region", name="Flagged projects").locator("li.card")
    expect(flagged).to_have_count(1)
    expect(flagged).to_contain_text(TITLE)
    expect(flagged).to_contain_text("Awaiting review")
    expect(flagged).to_contain_text(HAZARD_NOTE)
    assert_accessible(hazard, "info-hazard queue")
    assert_inset(flagged)
    save_screenshot(hazard, "cycle-05-hazard-queue")
    flagged.get_by_role("link", name="Decide").click()
    wait_until_settled(hazard)
    expect(hazard.get_by_role("heading", name="Info-hazard decision")).to_be_visible()
    assert_accessible(hazard, "info-hazard decision")
    save_screenshot(hazard, "cycle-06-hazard-decision")
    hazard.get_by_label("Publish as submitted").check()
    hazard.get_by_label("Reason").fill("The prompts are already public in the jailbreak literature.")
    hazard.get_by_role("button", name="Record the decision").click()
    expect(hazard.locator(".messages")).to_contain_text("Decision recorded.")
    expect(flagged.get_by_text("Publish as submitted")).to_be_visible()
    log = hazard.get_by_role("region", name="Decision log").locator("tbody tr")
    expect(log).to_have_count(1)
    expect(log).to_contain_text("The prompts are already public")
    save_screenshot(hazard, "cycle-07-hazard-decided")
    assert HazardDecision.objects.get(submission=submission).decision == "publish"

    # 5. The organiser awards the prize and publishes the results.
    open_page(desk, f"{base}{sprint.get_absolute_url()}")
    desk.get_by_role("navigation", name="Organiser tools").get_by_role("link", name="Results").click()
    wait_until_settled(desk)
    expect(desk.get_by_role("heading", name="Winners and publication")).to_be_visible()
    expect(desk.get_by_role("region", name="Judges’ ranking")).to_contain_text(TITLE)
    assert_accessible(desk, "manage results")
    save_screenshot(desk, "cycle-08-manage-results")
    desk.get_by_role("combobox", name="Prize", exact=True).select_option(label="Best research $2,000")
    desk.get_by_role("combobox", name="Project", exact=True).select_option(label=TITLE)
    desk.get_by_role("button", name="Award").click()
    expect(desk.locator(".messages")).to_contain_text("Prize awarded.")
    expect(desk.get_by_role("region", name="Prizes awarded")).to_contain_text(TITLE)
    desk.get_by_role("button", name="Publish results").click()
    expect(desk.locator(".messages")).to_contain_text(
        "Results published: 2 projects in the library, 0 waiting for info-hazard review."
    )
    expect(desk.get_by_text("Results published", exact=True)).to_be_visible()
    save_screenshot(desk, "cycle-09-results-published")
    assert ResultsRelease.objects.filter(sprint=sprint).exists()
    assert Publication.objects.get(submission=submission).is_public

    # 6. The team lead reads the scores and feedback on a phone; the judges stay anonymous.
    team_phone = new_person(PHONE)
    sign_in(team_phone, base, team.lead.email, PASSWORD)
    open_page(team_phone, f"{base}{sprint.get_absolute_url()}")
    team_phone.get_by_role("navigation", name="During the sprint").get_by_role("link", name="Projects").click()
    wait_until_settled(team_phone)
    team_phone.locator("#library-results").get_by_role("link", name=TITLE).click()
    wait_until_settled(team_phone)
    team_phone.get_by_role("link", name="Scores and feedback").click()
    wait_until_settled(team_phone)
    expect(team_phone.get_by_role("heading", name="Scores and feedback", level=1)).to_be_visible()
    for number, (scores, feedback) in enumerate(zip(SCORES, FEEDBACK, strict=True), start=1):
        card = team_phone.get_by_role("region", name=f"Judge {number}")
        expect(card).to_be_visible()
        for criterion, value in scores.items():
            expect(card.get_by_role("row", name=criterion)).to_contain_text(f"{value} / 5")
        expect(card).to_contain_text(feedback)
    main = team_phone.get_by_role("main")
    for judge in judges:
        expect(main).not_to_contain_text(judge.display_name)
        expect(main).not_to_contain_text(judge.email)
    expect(main).not_to_contain_text(HAZARD_NOTE)
    assert_accessible(team_phone, "scores and feedback on a phone")
    assert_fits_the_phone(team_phone)
    save_screenshot(team_phone, "cycle-10-feedback-phone")

    # 7. A visitor finds the project in the library by a word from the report's body.
    visitor = new_person(PHONE)
    open_page(visitor, f"{base}/library/")
    visitor.get_by_role("searchbox", name="Search").fill(BODY_WORD)
    visitor.get_by_role("button", name="Search").click()
    results = visitor.locator("#library-results")
    expect(results.get_by_role("status")).to_contain_text(f"1 project · matching “{BODY_WORD}”")
    wait_until_settled(visitor)
    expect(results.get_by_role("link", name=TITLE)).to_be_visible()
    expect(results.get_by_role("link", name="Board state probes")).to_have_count(0)
    expect(results).to_contain_text("Best research")
    assert_accessible(visitor, "library search on a phone")
    assert_fits_the_phone(visitor)
    save_screenshot(visitor, "cycle-11-library-search-phone")
    results.get_by_role("link", name=TITLE).click()
    wait_until_settled(visitor)
    expect(visitor.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(visitor.get_by_role("link", name=team.lead.display_name)).to_be_visible()
    expect(visitor.get_by_role("link", name="Download the report (PDF)")).to_be_visible()
    expect(visitor.get_by_role("heading", name="Cite this project")).to_be_visible()
    expect(visitor.get_by_role("link", name="Scores and feedback")).to_have_count(0)
    assert_accessible(visitor, "project page on a phone")
    assert_fits_the_phone(visitor)
    save_screenshot(visitor, "cycle-12-project-phone")
