import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory

from sprintlab.core.cache import cache_anonymous_page
from tests.factories import UserFactory

calls = []


@cache_anonymous_page(seconds=30)
def counting_view(request):
    calls.append(request.path)
    return HttpResponse(f"page {len(calls)}", content_type="text/html; charset=utf-8")


@cache_anonymous_page(seconds=30)
def form_view(request):
    calls.append(request.path)
    return HttpResponse(f"token {get_token(request)}")


@pytest.fixture(autouse=True)
def fresh(settings):
    settings.PUBLIC_PAGE_CACHE = True
    cache.clear()
    calls.clear()


def anonymous(path="/sprints/", **extra):
    request = RequestFactory().get(path, **extra)
    request.user = AnonymousUser()
    return request


def test_anonymous_visitors_share_one_rendering():
    first = counting_view(anonymous())
    second = counting_view(anonymous())
    assert first.content == second.content == b"page 1"
    assert second.headers["X-Page-Cache"] == "hit"
    assert second.headers["Content-Type"] == "text/html; charset=utf-8"
    assert len(calls) == 1


def test_query_time_zone_and_htmx_get_their_own_entries():
    counting_view(anonymous())
    counting_view(anonymous("/sprints/?when=past"))
    request = anonymous()
    request.COOKIES["sprintlab_tz"] = "Asia/Kolkata"
    counting_view(request)
    counting_view(anonymous(HTTP_HX_REQUEST="true"))
    assert len(calls) == 4


@pytest.mark.django_db
def test_signed_in_people_always_get_a_fresh_page():
    counting_view(anonymous())
    request = RequestFactory().get("/sprints/")
    request.user = UserFactory()
    assert counting_view(request).content == b"page 2"
    assert "X-Page-Cache" not in counting_view(request).headers


def test_session_cookie_bypasses_the_cache():
    counting_view(anonymous())
    request = anonymous()
    request.COOKIES["sessionid"] = "abc"
    assert counting_view(request).content == b"page 2"


def test_posts_and_errors_are_not_cached():
    request = RequestFactory().post("/sprints/")
    request.user = AnonymousUser()
    counting_view(request)
    counting_view(request)
    assert len(calls) == 2


def test_a_page_with_a_fresh_csrf_token_is_not_shared():
    form_view(anonymous())
    form_view(anonymous())
    assert len(calls) == 2


@pytest.mark.django_db
def test_the_public_sprint_pages_are_served_from_the_cache_to_anonymous_visitors(client):
    from tests.factories import LocalSiteFactory

    site = LocalSiteFactory()
    for path in ("/sprints/", f"/sprints/{site.sprint.slug}/", f"/sprints/{site.sprint.slug}/sites/"):
        assert client.get(path).headers["X-Page-Cache"] == "miss"
        assert client.get(path).headers["X-Page-Cache"] == "hit"
