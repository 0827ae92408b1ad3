"""A judge scores on a phone in Chromium: each criterion autosaves, a refused save shows its message,
the texts autosave, "Done" finishes the review; an organiser asks for one more review from the ranking;
in pairwise mode a judge compares pairs; axe-core finds nothing serious."""

import re
from decimal import Decimal
from urllib.parse import unquote_plus

import pytest
from playwright.sync_api import expect

from sprintlab.judging.models import Assignment, AssignmentSource, Comparison, PairOffer, Review, Score
from tests.browser_support import (
    PHONE,
    assert_accessible,
    open_page,
    prepare_page,
    save_screenshot,
    sign_in,
    wait_until_settled,
)
from tests.factories import UserFactory
from tests.judging.factories import (
    CriterionFactory,
    JudgingSprintFactory,
    SubmissionFactory,
    assign,
    judging_settings,
    make_judge,
    make_organiser,
)
from tests.judging.test_ranking_page import review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def texts_save_with(posted: str):
    """A predicate for the answer to a save of the review's texts whose form data holds ``posted``."""

    def is_it(response) -> bool:
        return response.url.endswith("/texts/") and posted in unquote_plus(response.request.post_data or "")

    return is_it


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    prepare_page(page)
    yield page
    context.close()


def test_a_judge_scores_on_a_phone_with_autosave(phone_page, live_server):
    page = phone_page
    sprint = JudgingSprintFactory()
    submission = SubmissionFactory(sprint=sprint, title="Sparse features that track refusal")
    rigour = CriterionFactory(
        sprint=sprint, name="Rigour", levels={"1": "Claims without support", "5": "Careful and honest"}
    )
    coverage = CriterionFactory(sprint=sprint, name="Coverage", scale_min=0, scale_max=100, levels={})
    judge = make_judge(sprint, affiliation="")
    assign(submission, judge)

    sign_in(page, live_server.url, judge.email, PASSWORD)
    open_page(page, f"{live_server.url}/sprints/{sprint.slug}/judging/queue/")
    expect(page.get_by_text("0 of 1 reviews done.")).to_be_visible()
    save_screenshot(page, "judging-queue-phone")
    page.get_by_role("link", name="Score the next one").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Sparse features that track refusal")).to_be_visible()
    assert_accessible(page, "scoring page")

    # A criterion saves the moment a score is chosen.
    rigour_card = page.locator(f"#criterion-{rigour.pk}")
    rigour_card.get_by_text("4", exact=True).click()
    expect(rigour_card.locator(".autosave-ok")).to_have_text("Saved")
    assert Score.objects.get(criterion=rigour).value == 4

    # A refused save shows its message next to the criterion and changes nothing.
    coverage_input = page.locator(f"#criterion-{coverage.pk} input[name=value]")
    coverage_input.fill("150")
    coverage_input.press("Tab")
    expect(page.locator(f"#criterion-{coverage.pk} .autosave-error")).to_contain_text("Give a score from 0 to 100.")
    assert not Score.objects.filter(criterion=coverage).exists()
    save_screenshot(page, "judging-score-refused-phone")
    coverage_input.fill("70")
    coverage_input.press("Tab")
    expect(page.locator(f"#criterion-{coverage.pk} .autosave-ok")).to_have_text("Saved")

    # Each text saves a moment after typing stops, without leaving the field; leaving it saves at
    # once. The test lets each save finish before the next, so that no two overlap.
    feedback = page.get_by_label("Feedback for the team")
    with page.expect_response(texts_save_with("second model family")):
        feedback.fill("Clear question; add a second model family.")
    expect(page.locator(".review-texts .autosave-ok")).to_have_text("Saved")
    with page.expect_response(texts_save_with("second model family")):
        feedback.press("Tab")
    note = page.get_by_label("Private note to the organisers")
    with page.expect_response(texts_save_with("last year")):
        note.fill("Looks close to last year's winner.")
    expect(page.locator(".review-texts .autosave-ok")).to_have_text("Saved")
    with page.expect_response(texts_save_with("last year")):
        note.press("Tab")
    review = Review.objects.get(judge=judge)
    assert review.feedback.startswith("Clear question") and review.private_note and review.completed_at is None
    save_screenshot(page, "judging-score-phone")

    page.get_by_role("button", name="Done: next submission").click()
    expect(page.get_by_text("1 of 1 reviews done.")).to_be_visible()
    review.refresh_from_db()
    assert review.completed_at is not None
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_organiser_asks_for_one_more_review_on_a_phone(phone_page, live_server):
    page = phone_page
    sprint = JudgingSprintFactory()
    criterion = CriterionFactory(sprint=sprint)
    reviewers = [make_judge(sprint, affiliation="Elsewhere") for _ in range(2)]
    for index in range(4):
        submission = SubmissionFactory(sprint=sprint, title=f"Tied submission {'ABCD'[index]}")
        for judge, value in zip(reviewers, (3 + index % 2, 4 - index % 2), strict=True):
            review(submission, judge, {criterion: Decimal(value)})
            assign(submission, judge)
    spare = make_judge(sprint, UserFactory(display_name="Spare Judge"), affiliation="Elsewhere")
    organiser = make_organiser(sprint)

    sign_in(page, live_server.url, organiser.email, PASSWORD)
    open_page(page, f"{live_server.url}/sprints/{sprint.slug}/judging/ranking/")
    page.get_by_role("button", name="Ask for one more review where it helps most").click()
    expect(page.locator("#extra-review-best .extra-review-outcome")).to_contain_text("Asked Spare Judge to review")
    assert Assignment.objects.filter(judge=spare, source=AssignmentSource.EXTRA).count() == 1
    wait_until_settled(page)
    assert_accessible(page, "ranking page")
    save_screenshot(page, "judging-extra-review-phone")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_judge_compares_two_pairs_on_a_phone(phone_page, live_server):
    page = phone_page
    sprint = JudgingSprintFactory()
    judging_settings(sprint, pairwise_mode=True)
    for title in ("Linear probes find deception", "Audit budgets under attack", "Steering against sycophancy"):
        SubmissionFactory(sprint=sprint, title=title, abstract=f"{title}: what we did and found.")
    judge = make_judge(sprint, affiliation="")

    sign_in(page, live_server.url, judge.email, PASSWORD)
    open_page(page, f"{live_server.url}/sprints/{sprint.slug}/judging/queue/")
    page.get_by_role("link", name="Compare two projects").click()
    expect(page.get_by_role("heading", name="Which project is better?")).to_be_visible()
    assert_accessible(page, "compare page")
    save_screenshot(page, "judging-compare-phone")
    # Stacked on a phone: B's card is below A's, and nothing is wider than the screen.
    first, second = page.locator(".compare-side").nth(0), page.locator(".compare-side").nth(1)
    assert first.bounding_box()["y"] + first.bounding_box()["height"] <= second.bounding_box()["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    offer = PairOffer.objects.get(judge=judge)
    expect(page.locator("#side-A")).to_contain_text(offer.left.title)
    page.get_by_role("button", name="A is better").click()
    expect(page.get_by_text("1 pair compared")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="is the better one")).to_contain_text(offer.left.title)

    second_offer = PairOffer.objects.get(judge=judge)
    expect(page.locator("#side-B")).to_contain_text(second_offer.right.title)
    page.get_by_role("button", name="B is better").click()
    expect(page.get_by_text("2 pairs compared")).to_be_visible()
    winners = list(Comparison.objects.filter(judge=judge).order_by("id").values_list("winner_id", flat=True))
    assert winners == [offer.left_id, second_offer.right_id]


def test_a_save_that_fails_says_so_instead_of_saving_for_ever(phone_page, live_server):
    page = phone_page
    sprint = JudgingSprintFactory()
    submission = SubmissionFactory(sprint=sprint, title="Sparse features that track refusal")
    rigour = CriterionFactory(sprint=sprint, name="Rigour", levels={})
    judge = make_judge(sprint, affiliation="")
    assign(submission, judge)
    sign_in(page, live_server.url, judge.email, PASSWORD)
    open_page(page, f"{live_server.url}/sprints/{sprint.slug}/judging/review/{submission.pk}/global/")
    card = page.locator(f"#criterion-{rigour.pk}")
    slot = card.locator(".autosave-slot")

    def choose(value: str) -> None:
        card.locator("label.score-option").filter(has_text=re.compile(rf"^\s*{value}\s*$")).tap()

    # The connection drops: the slot says so.
    page.route("**/score/**", lambda route: route.abort())
    choose("2")
    expect(slot.get_by_role("alert")).to_have_text("Not saved: the connection failed. Try again.")
    # The server fails (5xx, which htmx does not swap in): the slot says so, not "Saving…" for ever.
    page.unroute("**/score/**")
    page.route("**/score/**", lambda route: route.fulfill(status=500, body="Server Error"))
    choose("3")
    expect(slot.get_by_role("alert")).to_have_text("Not saved: something went wrong on our side. Try again.")
    assert not Score.objects.exists()
    # Once the server answers again, the next choice saves.
    page.unroute("**/score/**")
    choose("4")
    expect(slot.locator(".autosave-ok")).to_have_text("Saved")
    assert Score.objects.get(criterion=rigour).value == 4
