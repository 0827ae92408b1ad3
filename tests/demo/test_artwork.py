"""The demo's pictures: a cover for every sprint and a logo for every partner, stored through the
default storage, drawn the same way every time and drawn only once."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from sprintlab.demo import artwork
from sprintlab.demo.artwork import cover_for, cover_jpeg, logo_for, logo_png, monogram
from sprintlab.sprints.models import Partner, ResearchArea, Sprint


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_covers_are_wide_jpegs_that_differ_per_sprint_and_repeat_per_seed():
    first = cover_jpeg(seed="evals-weekend", area=ResearchArea.EVALUATIONS)
    assert first == cover_jpeg(seed="evals-weekend", area=ResearchArea.EVALUATIONS)
    assert first != cover_jpeg(seed="evals-weekend-2", area=ResearchArea.EVALUATIONS)
    image = Image.open(io.BytesIO(first))
    assert (image.format, image.size) == ("JPEG", artwork.COVER_SIZE)
    assert len(first) < 150 * 1024


@pytest.mark.parametrize("area", ResearchArea.values)
def test_every_research_area_has_a_palette_and_a_motif(area):
    assert area in artwork.PALETTES and area in artwork.MOTIFS
    assert cover_jpeg(seed="x", area=area)


@pytest.mark.parametrize(
    ("name", "letters"),
    [("Alan Turing Institute", "AT"), ("University of Oxford", "UO"), ("METR", "ME"), ("Apollo Research", "AR")],
)
def test_logos_are_square_monograms(name, letters):
    assert monogram(name) == letters
    image = Image.open(io.BytesIO(logo_png(name=name)))
    assert (image.format, image.size) == ("PNG", (artwork.LOGO_SIZE, artwork.LOGO_SIZE))


def test_a_stored_picture_is_reused_not_drawn_again(media, monkeypatch):
    name = cover_for(slug="evals", area=ResearchArea.EVALUATIONS)
    assert default_storage.exists(name) and name.startswith("sprints/covers/")
    monkeypatch.setattr(artwork, "cover_jpeg", lambda **kwargs: pytest.fail("drawn again"))
    assert cover_for(slug="evals", area=ResearchArea.EVALUATIONS) == name
    assert logo_for(name="METR") == logo_for(name="METR")


@pytest.mark.django_db
def test_the_demo_has_a_cover_for_every_sprint_and_a_logo_for_every_partner(media, client):
    from django.core.management import call_command

    call_command("seed_demo", "--scale", "small", "--verbosity", "0")
    sprints = list(Sprint.objects.all())
    assert all(sprint.cover_image for sprint in sprints)
    assert len({sprint.cover_image.name for sprint in sprints}) == len(sprints)
    assert all(partner.logo for partner in Partner.objects.all())
    for field in (sprints[0].cover_image, Partner.objects.first().logo):
        assert (media / field.name).is_file()
        # Served by the app, as in `make run`.
        response = client.get(field.url)
        assert response.status_code == 200
        assert response["Content-Type"] in ("image/jpeg", "image/png")
    listed = client.get("/sprints/?when=past").content.decode()
    assert listed.count('<img src="/media/sprints/covers/demo-') >= 10
    assert '<img src="/media/partners/demo-' in listed
