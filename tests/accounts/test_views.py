import pytest
from django.urls import reverse

from sprintlab.accounts.models import ApiToken
from sprintlab.accounts.services import api_token_create
from tests.accounts.html import assert_every_input_is_labelled
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VALID_PROFILE = {
    "display_name": "Ada Lovelace",
    "country": "GB",
    "city": "London",
    "timezone": "Europe/London",
    "affiliation": "Analytical Engines",
    "career_stage": "researcher",
    "interests": "interpretability, Evals, evals",
    "skills": "python",
    "website_url": "https://ada.example.org",
    "github_url": "https://github.com/ada",
    "scholar_url": "https://scholar.google.com/citations?user=abc",
    "orcid": "https://orcid.org/0000-0002-1825-0097",
    "bio": "I like **engines**.",
    "public_fields": ["city", "interests", "bio"],
}


def test_profile_page_lists_every_field_with_a_label(client):
    client.force_login(UserFactory())
    html = client.get(reverse("accounts:profile")).content.decode()
    for field in (
        "display_name",
        "country",
        "city",
        "timezone",
        "affiliation",
        "career_stage",
        "interests",
        "skills",
        "website_url",
        "github_url",
        "scholar_url",
        "orcid",
        "bio",
    ):
        assert f'for="id_{field}"' in html
    assert 'value="Asia/Kolkata"' in html
    assert_every_input_is_labelled(html)


def test_profile_saves_and_redirects(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), VALID_PROFILE)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Ada Lovelace"
    assert user.orcid == "0000-0002-1825-0097"
    assert sorted(t.name for t in user.interests.all()) == ["Evals", "interpretability"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("timezone", "Mars/Olympus", "Select a valid choice"),
        ("orcid", "0000-0002-1825-0098", "checksum"),
        ("orcid", "12345", "four groups"),
        ("github_url", "https://gitlab.com/ada", "GitHub"),
        ("scholar_url", "https://example.org/scholar", "Google Scholar"),
        ("website_url", "javascript:alert(1)", "valid URL"),
        ("interests", ",".join(f"t{i}" for i in range(21)), "at most 20"),
        ("skills", "y" * 61, "too long"),
        ("display_name", "x" * 101, "at most 100"),
        ("display_name", "!!!", "letter or digit"),
        ("career_stage", "wizard", "Select a valid choice"),
        ("public_fields", ["email"], "Select a valid choice"),
        ("bio", "b" * 2001, "at most 2000"),
    ],
)
def test_bad_profile_input_gets_a_specific_message_and_changes_nothing(client, field, value, message):
    user = UserFactory(display_name="Before")
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {**VALID_PROFILE, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.display_name == "Before"


def test_long_unicode_and_sql_looking_names_are_stored_as_text(client):
    user = UserFactory()
    client.force_login(user)
    name = "Zoë 🧪 '; DROP TABLE accounts_user; --"
    assert client.post(reverse("accounts:profile"), {**VALID_PROFILE, "display_name": name}).status_code == 302
    user.refresh_from_db()
    assert user.display_name == name


def test_public_profile_shows_only_public_fields(client):
    user = UserFactory(
        display_name="Grace",
        city="Arlington",
        affiliation="Secret Lab",
        bio="Hello <script>alert(1)</script> **world**",
        public_fields=["city", "bio"],
    )
    html = client.get(reverse("accounts:public_profile", args=[user.pk])).content.decode()
    assert "Grace" in html and "Arlington" in html
    assert "Secret Lab" not in html
    assert user.email not in html
    assert "<strong>world</strong>" in html
    assert "<script>alert" not in html


def test_public_profile_of_unknown_or_inactive_person_is_404(client):
    assert client.get(reverse("accounts:public_profile", args=[999999])).status_code == 404
    inactive = UserFactory(is_active=False)
    assert client.get(reverse("accounts:public_profile", args=[inactive.pk])).status_code == 404


def test_creating_a_token_redirects_so_a_refresh_makes_no_second_token(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:tokens"), {"name": "laptop"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:tokens")
    # A refresh after the redirect repeats the GET, not the POST.
    client.get(response["Location"])
    client.get(response["Location"])
    assert ApiToken.objects.filter(user=user).count() == 1


def test_creating_a_token_shows_the_secret_once(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:tokens"), {"name": "laptop"}, follow=True)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=user)
    secret = response.context["new_secret"]
    assert token.key_hash == ApiToken.hash_key(secret)
    assert secret in response.content.decode()
    assert_every_input_is_labelled(response.content.decode())
    assert secret not in client.get(reverse("accounts:tokens")).content.decode()


def test_token_list_shows_name_hint_and_revoke_button(client):
    user = UserFactory()
    token, _secret = api_token_create(actor=user, name="ci runner")
    client.force_login(user)
    html = client.get(reverse("accounts:tokens")).content.decode()
    assert "ci runner" in html and token.hint in html
    assert "data-confirm" in html
    assert reverse("accounts:token_revoke", args=[token.pk]) in html


def test_an_empty_token_name_is_refused_on_the_page(client):
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:tokens"), {"name": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_the_twenty_first_token_is_refused_with_the_reason(client):
    user = UserFactory()
    for i in range(20):
        api_token_create(actor=user, name=f"t{i}")
    client.force_login(user)
    response = client.post(reverse("accounts:tokens"), {"name": "more"})
    assert response.status_code == 409
    assert "20 active tokens" in response.content.decode()


def test_revoking_needs_post_and_works_for_the_owner(client):
    user = UserFactory()
    token, _secret = api_token_create(actor=user, name="ci")
    client.force_login(user)
    url = reverse("accounts:token_revoke", args=[token.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize("pk", ["99999999999999999999999", "0"])
def test_out_of_range_ids_are_404_not_500(client, pk):
    user = UserFactory()
    client.force_login(user)
    assert client.get(f"/people/{pk}/").status_code == 404
    assert client.post(f"/accounts/tokens/{pk}/revoke/").status_code == 404
