"""Cover images and partner logos wherever sprints and partners are shown, as decoration (empty alt,
the name next to them says what they are)."""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from sprintlab.sprints.models import SprintRole
from tests.factories import PartnerFactory, SprintFactory, SprintMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pictured(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sprint = SprintFactory(title="Pictured Sprint")
    sprint.cover_image.save("cover.jpg", ContentFile(b"jpeg"), save=True)
    partner = PartnerFactory(name="Logo Lab")
    partner.logo.save("logo.png", ContentFile(b"png"), save=True)
    sprint.partners.add(partner)
    return sprint, partner


def images(html: str, src: str) -> list[str]:
    return re.findall(rf'<img [^>]*src="{re.escape(src)}"[^>]*>', html)


def test_the_list_shows_the_cover_and_the_cohosts_logo(client, pictured):
    sprint, partner = pictured
    html = client.get(reverse("sprints:list")).content.decode()
    (cover,) = images(html, sprint.cover_image.url)
    assert 'alt=""' in cover
    (logo,) = images(html, partner.logo.url)
    assert 'alt=""' in logo and "Logo Lab</span>" in html


def test_the_sprint_page_shows_the_cover_and_the_logo(client, pictured):
    sprint, partner = pictured
    html = client.get(sprint.get_absolute_url()).content.decode()
    assert 'class="hero sprint-hero has-cover"' in html
    assert images(html, sprint.cover_image.url) and images(html, partner.logo.url)


def test_the_team_page_shows_the_cohosts_logo(client, pictured):
    sprint, partner = pictured
    SprintMembershipFactory(sprint=sprint, role=SprintRole.COHOST, partner=partner)
    organiser = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user
    client.force_login(organiser)
    html = client.get(reverse("sprints:team", kwargs={"slug": sprint.slug})).content.decode()
    assert images(html, partner.logo.url)
