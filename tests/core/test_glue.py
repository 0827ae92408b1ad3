"""One helper per kind of glue: a service's refusal on a form, and "sprint visible or 404".

Copies drift (four form-error helpers and five visibility checks once disagreed), so these tests
also read the source: a second copy fails them.
"""

import re
from pathlib import Path

import pytest
from django import forms
from django.http import Http404

import sprintlab
from sprintlab.core.errors import Conflict, ServiceError
from sprintlab.core.forms import add_service_error
from sprintlab.sprints.selectors import sprint_for_viewer
from tests.factories import SprintFactory, UserFactory

PACKAGE = Path(sprintlab.__file__).parent


def modules_matching(pattern: str, *, allowed: tuple[str, ...] = ()) -> list[str]:
    found = re.compile(pattern, re.MULTILINE)
    return sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if str(path.relative_to(PACKAGE)) not in allowed and found.search(path.read_text(encoding="utf-8"))
    )


class PlaceForm(forms.Form):
    place = forms.CharField(required=False)
    name = forms.CharField(required=False)


def test_a_refusal_lands_on_the_mapped_field_the_named_field_or_on_top():
    form = PlaceForm({})
    assert form.is_valid()
    refusal = ServiceError(
        {"site": ["Full."], "name": ["Taken."], "__all__": ["Closed."], "tracks": ["Item 1: name: required."]}
    )
    add_service_error(form, refusal, {"site": "place"})
    assert form.errors["place"] == ["Full."]
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["Closed.", "tracks: Item 1: name: required."]


def test_a_refusal_without_fields_goes_on_top():
    form = PlaceForm({})
    form.is_valid()
    add_service_error(form, Conflict("Registration has closed."))
    assert form.non_field_errors() == ["Registration has closed."]


def test_pages_have_no_copy_of_the_form_error_helper():
    """Pages reach into a refusal's fields only through ``core.forms.add_service_error``."""
    pages = [path for path in modules_matching(r"message_dict|error_dict") if "views" in path]
    assert pages == []


@pytest.mark.django_db
def test_a_draft_is_a_404_for_strangers_and_visible_to_staff():
    draft = SprintFactory(is_published=False)
    with pytest.raises(Http404):
        sprint_for_viewer(draft.slug, UserFactory())
    staff = UserFactory(is_staff=True)
    assert sprint_for_viewer(draft.slug, staff) == draft
    with pytest.raises(Http404):
        sprint_for_viewer("no-such-sprint", staff)


def test_pages_and_the_api_ask_the_one_visibility_helper():
    """Only ``sprints.selectors`` turns "may not view this sprint" into a 404."""
    assert modules_matching(r"""has_perm\(\s*["']sprints\.view_sprint["']""") == [
        "sprints/selectors.py",
        "sprints/views_team.py",  # where to go after leaving a sprint's team, not a 404
    ]


def test_a_refusal_reads_as_one_text_for_flash_messages():
    refusal = ServiceError({"site": ["Full."], "__all__": ["Closed."]})
    assert refusal.text == "Full. Closed."
    assert Conflict("Registration has closed.").text == "Registration has closed."


def test_pages_have_no_copy_of_the_refusal_text_join():
    """Flash messages take ``ServiceError.text``; a hand-made join of the messages is a second copy."""
    assert modules_matching(r"join\(exc\.messages\)") == []
