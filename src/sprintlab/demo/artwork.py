"""Cover images for the demo sprints and logos for the demo partners, drawn with Pillow.

Each picture is drawn from a seed (the sprint's slug, the partner's name), so the same demo gives the
same pictures, and each sprint's cover differs from the others: its research area picks the palette
and the motif (circuits for interpretability, bars for benchmarks…), its slug places the shapes.

The files go through Django's default storage under a name that includes ``ARTWORK_VERSION``: a name
already stored is reused as it is, so seeding again (tests build the demo many times) draws nothing.
Change the version when the drawing changes.
"""

import io
import itertools
import math
import random
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from sprintlab.sprints.models import ResearchArea

ARTWORK_VERSION = 1
COVER_SIZE = (1200, 400)  # 3:1, as the cover field's help text recommends
LOGO_SIZE = 256
# Shapes are drawn at twice the size and scaled down: Pillow draws without anti-aliasing.
SUPERSAMPLE = 2

A = ResearchArea
# Dark first (the gradient's start, under the white hero text), then two accents.
PALETTES: dict[str, tuple[str, str, str, str]] = {
    A.INTERPRETABILITY: ("#0b2a5c", "#3a2a8c", "#5fb4ff", "#ffd166"),
    A.EVALUATIONS: ("#0f3d2a", "#0b5cad", "#6ee7a8", "#ffe08a"),
    A.GOVERNANCE: ("#4a1d0b", "#5a2a8c", "#ffb27a", "#f4e1c1"),
    A.BENCHMARKS: ("#083a44", "#1b3f8c", "#4fd1c5", "#fbd38d"),
    A.MULTI_AGENT: ("#3b0f52", "#b5400b", "#f6ad55", "#d6bcfa"),
    A.ALIGNMENT: ("#1a2540", "#0b5cad", "#90cdf4", "#fefcbf"),
    A.SECURITY: ("#4a0718", "#2a2a6c", "#fc8181", "#e2e8f0"),
    A.OTHER: ("#1f2a37", "#374151", "#a3bffa", "#fbb6ce"),
}
PARTNER_COLOURS = ("#0b5cad", "#1c6b3a", "#8a3a0b", "#5a2a8c", "#0b6f7a", "#7a0b2a", "#2a3a5c")


def _rgb(hex_colour: str, alpha: int = 255) -> tuple[int, int, int, int]:
    value = hex_colour.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16), alpha)


def _gradient(size: tuple[int, int], start: str, end: str) -> Image.Image:
    """A gradient from ``start`` on the left to ``end`` on the right."""
    mask = Image.linear_gradient("L").rotate(90).resize(size)
    return Image.composite(Image.new("RGBA", size, _rgb(start)), Image.new("RGBA", size, _rgb(end)), mask)


# --- Motifs: one per research area; each draws translucent shapes with its own random source. ---
Motif = Callable[[ImageDraw.ImageDraw, random.Random, tuple[int, int], tuple[str, ...]], None]


def _circuits(draw, rng, size, colours):
    """Nodes joined by right-angled wires."""
    width, height = size
    nodes = [(rng.randint(width // 3, width), rng.randint(0, height)) for _ in range(14)]
    for (x1, y1), (x2, y2) in itertools.pairwise(nodes):
        draw.line([(x1, y1), (x2, y1), (x2, y2)], fill=_rgb(colours[2], 150), width=6 * SUPERSAMPLE // 2)
    for x, y in nodes:
        radius = rng.randint(10, 26) * SUPERSAMPLE
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=_rgb(rng.choice(colours[2:]), 210))


def _bars(draw, rng, size, colours):
    """Rising bars, like a leaderboard."""
    width, height = size
    count = rng.randint(7, 11)
    bar = width // 2 // count
    for n in range(count):
        top = height - int(height * (0.25 + 0.65 * (n + rng.random()) / count))
        left = width // 2 + n * bar
        draw.rectangle([left + bar // 6, top, left + bar - bar // 6, height], fill=_rgb(colours[2 + n % 2], 170))


def _pillars(draw, rng, size, colours):
    """Columns under a pediment, and a grid of small squares."""
    width, height = size
    left = rng.randint(width // 2, width * 2 // 3)
    span = width - left - width // 12
    draw.polygon(
        [(left, height // 3), (left + span // 2, height // 8), (left + span, height // 3)], fill=_rgb(colours[3], 190)
    )
    for n in range(5):
        x = left + span * n // 5 + span // 20
        draw.rectangle([x, height // 3 + 12, x + span // 10, height * 7 // 8], fill=_rgb(colours[2], 160))
    for _ in range(20):
        x, y = rng.randint(0, width // 2), rng.randint(0, height)
        side = rng.randint(6, 18) * SUPERSAMPLE
        draw.rectangle([x, y, x + side, y + side], fill=_rgb(colours[3], 60))


def _agents(draw, rng, size, colours):
    """Agents (rings) linked to each other."""
    width, height = size
    agents = [(rng.randint(width // 3, width), rng.randint(height // 8, height * 7 // 8)) for _ in range(9)]
    for a in agents:
        for b in rng.sample(agents, 2):
            draw.line([a, b], fill=_rgb(colours[3], 110), width=3 * SUPERSAMPLE)
    for x, y in agents:
        radius = rng.randint(22, 44) * SUPERSAMPLE
        draw.ellipse(
            [x - radius, y - radius, x + radius, y + radius], outline=_rgb(colours[2], 230), width=8 * SUPERSAMPLE
        )


def _waves(draw, rng, size, colours):
    """Parallel waves converging towards one line."""
    width, height = size
    for n in range(9):
        amplitude = (9 - n) * rng.uniform(6, 12) * SUPERSAMPLE
        phase, base = rng.uniform(0, math.tau), height * (n + 2) / 12
        points = [(x, base + amplitude * math.sin(x / width * math.tau * 1.5 + phase)) for x in range(0, width + 1, 16)]
        draw.line(points, fill=_rgb(colours[2 + n % 2], 150), width=4 * SUPERSAMPLE)


def _hexagons(draw, rng, size, colours):
    """A honeycomb of shields, some filled."""
    width, height = size
    radius = rng.randint(34, 48) * SUPERSAMPLE
    for row in range(-1, height // radius + 2):
        for column in range(width // 2 // radius, width // radius + 2):
            x = column * radius * 1.75 + (row % 2) * radius * 0.87
            y = row * radius * 1.5
            corners = [
                (
                    x + radius * math.cos(math.pi / 3 * k + math.pi / 6),
                    y + radius * math.sin(math.pi / 3 * k + math.pi / 6),
                )
                for k in range(6)
            ]
            if rng.random() < 0.3:
                draw.polygon(corners, fill=_rgb(rng.choice(colours[2:]), 150))
            else:
                draw.polygon(corners, outline=_rgb(colours[3], 90), width=2 * SUPERSAMPLE)


def _blobs(draw, rng, size, colours):
    width, height = size
    for _ in range(10):
        x, y, radius = rng.randint(0, width), rng.randint(0, height), rng.randint(30, 140) * SUPERSAMPLE
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=_rgb(rng.choice(colours[2:]), 90))


MOTIFS: dict[str, Motif] = {
    A.INTERPRETABILITY: _circuits,
    A.EVALUATIONS: _bars,
    A.GOVERNANCE: _pillars,
    A.BENCHMARKS: _bars,
    A.MULTI_AGENT: _agents,
    A.ALIGNMENT: _waves,
    A.SECURITY: _hexagons,
    A.OTHER: _blobs,
}


def cover_jpeg(*, seed: str, area: str) -> bytes:
    """A 1200×400 JPEG: the area's gradient, soft circles placed by ``seed``, then the area's motif."""
    rng = random.Random(f"cover:{seed}")
    colours = PALETTES.get(area, PALETTES[A.OTHER])
    size = (COVER_SIZE[0] * SUPERSAMPLE, COVER_SIZE[1] * SUPERSAMPLE)
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(4):
        x, y, radius = rng.randint(0, size[0]), rng.randint(0, size[1]), rng.randint(120, 360) * SUPERSAMPLE
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=_rgb(rng.choice(colours[2:]), 28))
    MOTIFS.get(area, _blobs)(draw, rng, size, colours)
    shapes = layer.resize(COVER_SIZE, Image.Resampling.BILINEAR, reducing_gap=2.0)
    image = Image.alpha_composite(_gradient(COVER_SIZE, colours[0], colours[1]), shapes).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()


def monogram(name: str) -> str:
    """Up to two capitals from the name's main words: "Alan Turing Institute" → "AT", "METR" → "ME"."""
    words = [
        word
        for word in name.replace("-", " ").split()
        if word[:1].isalpha() and word.lower() not in {"of", "the", "for", "and"}
    ]
    if len(words) >= 2:
        return (words[0][0] + words[1][0]).upper()
    return (words[0][:2] if words else name[:2]).upper()


def logo_png(*, name: str) -> bytes:
    """A square monogram mark: the initials in white on a rounded square of a colour picked by ``name``."""
    rng = random.Random(f"logo:{name}")
    colour = rng.choice(PARTNER_COLOURS)
    side = LOGO_SIZE * SUPERSAMPLE
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([0, 0, side - 1, side - 1], radius=side // 5, fill=_rgb(colour))
    draw.rounded_rectangle(
        [side * 0.3, side * 0.74, side * 0.7, side * 0.79], radius=side // 50, fill=(255, 255, 255, 255)
    )
    font = ImageFont.load_default(size=side * 0.42)
    draw.text((side / 2, side / 2), monogram(name), font=font, fill=(255, 255, 255, 255), anchor="mm")
    out = io.BytesIO()
    image.resize((LOGO_SIZE, LOGO_SIZE), Image.Resampling.LANCZOS).save(out, "PNG", optimize=True)
    return out.getvalue()


def _stored(name: str, draw: Callable[[], bytes]) -> str:
    """The storage name of the picture called ``name``, drawing and saving it only when it is missing."""
    if default_storage.exists(name):
        return name
    return default_storage.save(name, ContentFile(draw()))


def cover_for(*, slug: str, area: str) -> str:
    """The stored cover of the demo sprint ``slug``: a name for ``Sprint.cover_image``."""
    return _stored(f"sprints/covers/demo-{slug}-v{ARTWORK_VERSION}.jpg", lambda: cover_jpeg(seed=slug, area=area))


def logo_for(*, name: str) -> str:
    """The stored logo of the demo partner ``name``: a name for ``Partner.logo``."""
    return _stored(f"partners/demo-{slugify(name)}-v{ARTWORK_VERSION}.png", lambda: logo_png(name=name))
