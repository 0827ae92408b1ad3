from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/sprintlab/favicon.ico"
    icon = finders.find("sprintlab/favicon.ico")
    assert icon and Path(icon).read_bytes()[:4] == b"\0\0\1\0"  # the ICO header


def test_pages_name_their_icon(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'rel="icon" href="/static/sprintlab/favicon.svg"' in html
    assert finders.find("sprintlab/favicon.svg")
