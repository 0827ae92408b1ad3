"""The focus ring keeps the 3:1 non-text contrast of WCAG 1.4.11 against every background it sits on."""

import re
from pathlib import Path

import pytest

APP_CSS = Path(__file__).resolve().parents[2] / "src/sprintlab/core/static/sprintlab/app.css"
LIGHT_BACKGROUNDS = ["#ffffff", "#f6f7f9", "#eef1f5", "#f1f8f3", "#fafbfc"]


def relative_luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    light, dark = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def css_rule(selector: str) -> str:
    match = re.search(rf"(?m)^{re.escape(selector)}[ ,][^{{]*{{([^}}]*)}}", APP_CSS.read_text())
    assert match, f"app.css has no rule for {selector}"
    return match.group(1)


def dark_backgrounds() -> list[str]:
    """Every colour stop of the hero and cover gradients, and the cover's dark overlay."""
    css = APP_CSS.read_text()
    gradients = re.findall(r"^\.(?:hero|cover-gradient[\w.-]*) \{[^}]*linear-gradient\(([^)]*)\)", css, re.M)
    stops = [colour for gradient in gradients for colour in re.findall(r"#[0-9a-fA-F]{6}", gradient)]
    assert len(stops) >= 6
    return [*stops, "#0a1432"]  # rgba(10,20,50,…) over the cover image


def test_the_focus_ring_contrasts_with_the_light_pages():
    colour = re.search(r"outline:\s*\d+px solid (#[0-9a-fA-F]{6})", css_rule(":focus-visible")).group(1)
    for background in LIGHT_BACKGROUNDS:
        assert contrast(colour, background) >= 3, f"{colour} on {background}: {contrast(colour, background):.2f}:1"


@pytest.mark.parametrize("background", dark_backgrounds())
def test_the_focus_ring_contrasts_with_the_dark_heroes(background):
    colour = re.search(r"outline-color:\s*(#[0-9a-fA-F]{6})", css_rule(".hero :focus-visible")).group(1)
    assert contrast(colour, background) >= 3, f"{colour} on {background}: {contrast(colour, background):.2f}:1"
