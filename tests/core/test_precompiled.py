"""Every precompiled read answers exactly what its plain queryset answers (SQLite and PostgreSQL).

``sprintlab.core.precompiled`` leans on Django's SQL compiler, which is not a public API: these
comparisons are what tells, after a Django upgrade, whether it still reads the same rows, the same
field values and the same ``select_related`` objects as the ORM. CI runs them on both databases.
"""

import importlib
import pkgutil
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.utils import timezone

import sprintlab
from sprintlab.accounts.models import ApiToken
from sprintlab.core.precompiled import PrecompiledQuery
from sprintlab.registrations.models import RegistrationStatus
from tests.factories import LocalSiteFactory, RegistrationFactory, SprintFactory, UserFactory

pytestmark = pytest.mark.django_db
MISSING_ID = 987_654_321


def precompiled_reads() -> dict[str, PrecompiledQuery]:
    """Every module-level ``PrecompiledQuery`` in the project, by ``module.NAME``."""
    found = {}
    for module_info in pkgutil.walk_packages(sprintlab.__path__, "sprintlab."):
        name = module_info.name
        if ".migrations" in name or name in {"sprintlab.wsgi", "sprintlab.settings", "sprintlab.settings_test"}:
            continue
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            if isinstance(value, PrecompiledQuery) and value.__class__.__module__ != name:
                found[f"{name}.{attribute}"] = value
    return found


def _token(user, *, revoked: bool = False) -> str:
    key = ApiToken.generate_key()
    ApiToken.objects.create(
        user=user,
        name="compare",
        key_hash=ApiToken.hash_key(key),
        hint=key[:8],
        revoked_at=timezone.now() if revoked else None,
    )
    return ApiToken.hash_key(key)


@dataclass
class Comparison:
    arguments: list[dict]  # found, missing and edge cases
    related: tuple[str, ...] = ()  # its select_related objects
    rows: bool = False  # a values_list() read, run with .rows()


def scenarios() -> dict[str, Comparison]:
    """What to compare for each precompiled read."""
    sprint = SprintFactory()
    site, empty_site = LocalSiteFactory(sprint=sprint, capacity=3), LocalSiteFactory(sprint=sprint)
    for status in (
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.OFFERED,
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.CANCELLED,
    ):
        RegistrationFactory(sprint=sprint, site=site, status=status)
    active, inactive = UserFactory(), UserFactory(is_active=False)
    # A person at a site in one sprint and remote in another: both kinds of row, with and without a site.
    person = RegistrationFactory(sprint=sprint, site=site).user
    RegistrationFactory(user=person, sprint=SprintFactory(remote_allowed=True), site=None)
    tokens = [_token(active), _token(active, revoked=True), _token(inactive), "no-such-hash"]
    return {
        "sprintlab.api.auth.TOKEN_WITH_USER": Comparison([{"key_hash": key} for key in tokens], related=("user",)),
        "sprintlab.registrations.seats.LOCKED_SPRINT": Comparison([{"pk": sprint.pk}, {"pk": MISSING_ID}]),
        "sprintlab.registrations.seats.LOCKED_SITE": Comparison([{"pk": site.pk}, {"pk": MISSING_ID}]),
        "sprintlab.registrations.selectors.SITE_WITH_SPRINT": Comparison(
            [{"pk": site.pk}, {"pk": MISSING_ID}], related=("sprint",)
        ),
        "sprintlab.sprints.selectors.SPRINT_BY_SLUG": Comparison([{"slug": sprint.slug}, {"slug": "no-such-sprint"}]),
        "sprintlab.registrations.selectors.REGISTRATION_OF_USER": Comparison(
            [
                {"sprint_id": sprint.pk, "user_id": person.pk},
                {"sprint_id": sprint.pk, "user_id": active.pk},
                {"sprint_id": MISSING_ID, "user_id": person.pk},
            ]
        ),
        "sprintlab.registrations.selectors.REGISTRATIONS_OF_USER": Comparison(
            [{"user_id": person.pk}, {"user_id": active.pk}, {"user_id": MISSING_ID}], related=("sprint",)
        ),
        "sprintlab.registrations.seats.SITE_COUNTS": Comparison(
            [{"site_id": site.pk}, {"site_id": empty_site.pk}, {"site_id": MISSING_ID}], rows=True
        ),
        # A sprint with registrations and sites (no cards or teams: those stamps are NULL), and one without.
        "sprintlab.teamfinder.candidates.SPRINT_STAMPS": Comparison([{"pk": sprint.pk}, {"pk": MISSING_ID}], rows=True),
    }


def _fields(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def test_every_precompiled_read_has_a_comparison():
    assert set(precompiled_reads()) == set(scenarios())


@pytest.mark.parametrize("name", sorted(precompiled_reads()))
def test_precompiled_read_matches_the_plain_queryset(name, django_assert_num_queries):
    read = precompiled_reads()[name]
    comparison = scenarios()[name]
    for arguments in comparison.arguments:
        with transaction.atomic():  # the locking reads need one
            plain = list(read.build(**arguments))
            if comparison.rows:
                assert read.rows(**arguments) == [tuple(row) for row in plain], arguments
                continue
            precompiled = read.all(**arguments)
            assert [type(obj) for obj in precompiled] == [type(obj) for obj in plain], arguments
            assert [_fields(obj) for obj in precompiled] == [_fields(obj) for obj in plain], arguments
            if not plain:
                assert read.first(**arguments) is None
            with django_assert_num_queries(0):  # select_related objects come with the row
                for obj, expected in zip(precompiled, plain, strict=True):
                    for relation in comparison.related:
                        assert _fields(getattr(obj, relation)) == _fields(getattr(expected, relation)), arguments
