"""Check-in by QR code in headless Chromium: a site organiser's phone reads a participant's real QR code.

The code is made by the app (segno), as a photo chosen in the scanner's file input and as the
picture a (fake) camera films; the page decodes it with the vendored jsQR under the strict policy.
"""

import re

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from sprintlab.registrations import check_in_codes
from tests.browser_support import PHONE, assert_accessible, open_page, prepare_page, save_screenshot
from tests.conftest import CHROMIUM
from tests.factories import LocalSiteFactory, RegistrationFactory, SiteOrganiserFactory, SprintFactory, UserFactory
from tests.localsites.test_browser import signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def photo_of_code(registration_id: int, path, *, size=(1200, 1600)):
    """A PNG "photo": the QR code printed smaller than the frame, on grey paper, as a phone would take it."""
    code = Image.open(write_qr_png(registration_id, path.with_suffix(".code.png"))).convert("L")
    photo = Image.new("L", size, 170)
    photo.paste(code, ((size[0] - code.width) // 2, (size[1] - code.height) // 3))
    photo.save(path)
    return path


def write_qr_png(registration_id: int, path):
    """The registration's QR code as the app makes it (segno), as a PNG file."""
    path.write_bytes(check_in_codes.qr_png(registration_id, scale=10))
    return path


def y4m_of_code(registration_id: int, path, *, size=(640, 480)):
    """One frame of raw video (YUV 4:2:0, grey) showing the QR code, for Chromium's fake camera."""
    code = Image.open(write_qr_png(registration_id, path.with_suffix(".png"))).convert("L")
    code.thumbnail((size[1] - 40, size[1] - 40))
    frame = Image.new("L", size, 150)
    frame.paste(code, ((size[0] - code.width) // 2, (size[1] - code.height) // 2))
    chroma = bytes([128]) * (size[0] // 2 * size[1] // 2)
    header = f"YUV4MPEG2 W{size[0]} H{size[1]} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + b"FRAME\n" + frame.tobytes() + chroma + chroma)
    return path


def record_policy_violations(page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    return violations


@pytest.fixture
def door():
    sprint = SprintFactory(title="Interpretability Sprint")
    site = LocalSiteFactory(sprint=sprint, doors_open_soon=True, name="Cambridge Hub")
    organiser = SiteOrganiserFactory(site=site, user=UserFactory(display_name="Grace Hopper")).user
    ada = RegistrationFactory(sprint=sprint, site=site, user=UserFactory(display_name="Ada Lovelace"))
    RegistrationFactory(sprint=sprint, site=site, user=UserFactory(display_name="Alan Turing"))
    return site, organiser, ada


def check_in_url(live_server, site) -> str:
    return live_server.url + reverse(
        "registrations:check_in", kwargs={"sprint_slug": site.sprint.slug, "slug": site.slug}
    )


def test_a_site_organiser_checks_someone_in_by_qr_code_on_a_phone(browser, live_server, door, tmp_path):
    site, organiser, ada = door
    photo = photo_of_code(ada.pk, tmp_path / "ticket.png")

    context = signed_in_context(browser, live_server, organiser, **PHONE)
    page = context.new_page()
    prepare_page(page)
    violations = record_policy_violations(page)
    open_page(page, check_in_url(live_server, site))
    expect(page.locator("[data-scanner][data-scanner-ready=true]")).to_be_attached()
    expect(page.get_by_text("Scan from a photo")).to_be_visible()
    expect(page.get_by_role("button", name="Scan with the camera")).to_be_visible()
    expect(page.locator("#checked-in-count")).to_have_text("0 of 2 checked in")
    assert_accessible(page, page.url)

    page.locator("[data-scanner-file]").set_input_files(str(photo))
    expect(page.locator("#scan-result")).to_have_text(re.compile(r"✓\s+Ada Lovelace\s+is checked in\."))
    expect(page.locator("#checked-in-count")).to_have_text("1 of 2 checked in")
    expect(page.locator("#id_code")).to_have_value("")
    # The list below shows her row checked in, with its undo.
    expect(page.locator(f"#registration-{ada.pk}")).to_contain_text(re.compile(r"Checked in \d\d:\d\d"))
    ada.refresh_from_db()
    assert ada.checked_in_at is not None and ada.checked_in_by == organiser
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The same ticket again: nothing changes, and the page says when she arrived.
    page.locator("[data-scanner-file]").set_input_files(str(photo))
    expect(page.locator("#scan-result")).to_have_text(re.compile(r"Ada Lovelace was already checked in at \d\d:\d\d\."))
    expect(page.locator("#checked-in-count")).to_have_text("1 of 2 checked in")

    # A photo without a code says so; a typed short code of another site's person is refused.
    blank = tmp_path / "blank.png"
    Image.new("L", (400, 300), 200).save(blank)
    page.locator("[data-scanner-file]").set_input_files(str(blank))
    expect(page.locator("[data-scanner-status]")).to_contain_text("No QR code found in this photo")
    elsewhere = RegistrationFactory(sprint=site.sprint, site=LocalSiteFactory(sprint=site.sprint))
    page.locator("#id_code").fill(check_in_codes.short_code(elsewhere.pk))
    page.get_by_role("button", name="Check in", exact=True).tap()
    expect(page.locator("#scan-result")).to_contain_text("This code is not for this site")
    assert violations == []
    context.close()


def test_the_camera_reads_the_code_under_the_policy(browser_type, live_server, door, tmp_path):
    """Chromium's fake camera films the QR code: getUserMedia and the video work with the strict policy."""
    site, organiser, ada = door
    video = y4m_of_code(ada.pk, tmp_path / "camera.y4m")
    camera_browser = browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = signed_in_context(camera_browser, live_server, organiser, **PHONE)
        context.grant_permissions(["camera"], origin=live_server.url)
        page = context.new_page()
        prepare_page(page)
        violations = record_policy_violations(page)
        response = page.goto(check_in_url(live_server, site))
        # The policy as every page has it: no blob:, no media-src of its own, nothing inline.
        policy = response.headers["content-security-policy"]
        assert "blob:" not in policy and "media-src" not in policy and "'unsafe-inline'" not in policy
        open_page(page, check_in_url(live_server, site))
        page.get_by_role("button", name="Scan with the camera").tap()
        expect(page.locator("#scan-result")).to_have_text(re.compile(r"✓\s+Ada Lovelace\s+is checked in\."))
        expect(page.locator("[data-scanner-video]")).to_be_visible()
        page.get_by_role("button", name="Stop the camera").tap()
        expect(page.locator("[data-scanner-video]")).to_be_hidden()
        ada.refresh_from_db()
        assert ada.checked_in_at is not None
        assert violations == []
        context.close()
    finally:
        camera_browser.close()


def test_screenshots_of_the_code_and_the_scanner(browser, live_server, door, tmp_path):
    """My sprints with the QR code, the code's own page, and the scanner after a scan, at both sizes."""
    site, organiser, ada = door
    photo = photo_of_code(ada.pk, tmp_path / "ticket.png")
    for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        context = signed_in_context(browser, live_server, ada.user, **size)
        page = context.new_page()
        prepare_page(page)
        open_page(page, live_server.url + reverse("registrations:mine"))
        thumb = page.locator(".qr-thumb")
        expect(thumb).to_be_visible()
        assert page.evaluate("img => img.complete && img.naturalWidth > 0", thumb.element_handle())
        expect(page.get_by_text(check_in_codes.short_code(ada.pk))).to_be_visible()
        assert_accessible(page, page.url)
        save_screenshot(page, f"check-in-code-my-sprints-{size_name}")
        page.get_by_role("link", name="Show it full screen").click()
        expect(page.locator(".qr-large")).to_be_visible()
        save_screenshot(page, f"check-in-code-page-{size_name}")
        context.close()

        context = signed_in_context(browser, live_server, organiser, **size)
        page = context.new_page()
        prepare_page(page)
        open_page(page, check_in_url(live_server, site))
        expect(page.locator("[data-scanner][data-scanner-ready=true]")).to_be_attached()
        save_screenshot(page, f"check-in-scanner-{size_name}")
        page.locator("[data-scanner-file]").set_input_files(str(photo))
        expect(page.locator("#scan-result")).to_contain_text("Ada Lovelace")
        save_screenshot(page, f"check-in-scanner-scanned-{size_name}")
        context.close()
