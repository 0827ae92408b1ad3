"""Shared helpers for the browser tests: the accessibility check, signing in and phone-sized contexts."""

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
BLOCKING_IMPACTS = {"serious", "critical"}
# A phone-sized Chromium context (Playwright's iPhone presets default to WebKit, which is not installed).
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
_axe = Axe()
# Generous waits: a busy machine (two cores shared with other work) can take seconds to answer.
# Tests wait for the state they expect, so a long limit costs nothing when the page is quick.
BROWSER_TIMEOUT_MS = 30_000
expect.set_options(timeout=BROWSER_TIMEOUT_MS)
# Counts htmx requests in flight from before the page's own scripts run, so a test can tell an idle
# page from one whose request has been sent but not yet marked with .htmx-request.
COUNT_HTMX_REQUESTS = """
window.__htmxInFlight = 0;
document.addEventListener("htmx:beforeRequest", () => { window.__htmxInFlight += 1; });
for (const done of ["htmx:afterRequest", "htmx:sendError", "htmx:timeout", "htmx:sendAbort"]) {
  document.addEventListener(done, () => { window.__htmxInFlight = Math.max(0, window.__htmxInFlight - 1); });
}
"""
# Pages without htmx (the admin, the API docs) are ready once loaded.
HTMX_IDLE = """() => document.readyState === "complete"
  && (typeof window.htmx !== "undefined" || !document.querySelector("script[src*='htmx']"))
  && (window.__htmxInFlight || 0) === 0 && !document.querySelector(".htmx-request, .htmx-settling, .htmx-swapping")"""


def prepare_page(page) -> None:
    """Give a new page the generous timeouts and the htmx request counter that wait_until_settled reads."""
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    page.add_init_script(COUNT_HTMX_REQUESTS)


def wait_until_settled(page) -> None:
    """Wait until the page has loaded, htmx is ready and no htmx request is being sent, swapped or settled."""
    page.wait_for_load_state()
    page.wait_for_function(HTMX_IDLE, timeout=BROWSER_TIMEOUT_MS)


def open_page(page, url: str) -> None:
    """Go to ``url`` and wait until its htmx is ready, so the first click is never handled without it."""
    page.goto(url)
    wait_until_settled(page)


def assert_accessible(page, label: str) -> None:
    """Run axe-core on the page; fail on serious or critical violations, naming each with its elements."""
    violations = [v for v in _axe.run(page).response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    details = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} {[n['target'] for n in v['nodes']][:3]}" for v in violations
    )
    assert not violations, f"Accessibility violations on {label}:\n{details}"


def sign_in(page, base_url: str, email: str, password: str) -> None:
    """Sign in through the real sign-in form."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("main form input[name=password]")).to_have_count(0)


def save_screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/ for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def confirm_email_from_outbox(page, base_url: str, email: str) -> None:
    """Open the verification link that sign-up emailed to ``email`` and confirm: the person is then signed in."""
    import re

    from sprintlab.notifications.models import OutboxMessage

    body = OutboxMessage.objects.filter(to_email=email, body_text__contains="/accounts/confirm-email/").get().body_text
    page.goto(base_url + re.search(r"/accounts/confirm-email/\S+", body).group(0))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
