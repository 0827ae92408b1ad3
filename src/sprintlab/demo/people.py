"""Demo people: the role accounts, the organiser team and participants with full profiles.

Everyone gets the same password hash, computed once: hashing 100,000 passwords one by one would
take hours, and the demo accounts all share the documented demo password anyway.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.utils.text import slugify

from sprintlab.accounts.models import Tag, User
from sprintlab.demo import vocabulary
from sprintlab.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from sprintlab.demo.places import CITIES, HQ_CITY, City

CAREER_STAGES = [choice for choice, _label in User.CareerStage.choices]
CAREER_WEIGHTS = [22, 24, 20, 12, 5, 12, 5]
PUBLIC_FIELD_NAMES = [name for name, _label in User.PUBLIC_FIELD_CHOICES]
CITY_WEIGHTS = [city.weight for city in CITIES]
CITY_BY_NAME = {city.name: city for city in CITIES}


@dataclass
class Person:
    """A user to create, with what the generator needs to know about them later."""

    user: User
    city: City
    interests: list[int] = field(default_factory=list)
    skills: list[int] = field(default_factory=list)


def build_tags() -> tuple[list[Tag], list[Tag]]:
    interests = [Tag(name=name) for name in vocabulary.INTERESTS]
    skills = [Tag(name=name) for name in vocabulary.SKILLS]
    return interests, skills


def _orcid(rng: random.Random) -> str:
    digits = f"{rng.randrange(10**15):015d}"
    return f"0000-{digits[3:7]}-{digits[7:11]}-{digits[11:15]}"


def make_person(
    rng: random.Random,
    *,
    index: int,
    password_hash: str,
    joined_at: datetime,
    city: City | None = None,
    email: str | None = None,
    display_name: str | None = None,
    interest_count: int | None = None,
    skill_count: int | None = None,
) -> Person:
    city = city or rng.choices(CITIES, weights=CITY_WEIGHTS)[0]
    given, family = rng.choice(vocabulary.GIVEN_NAMES), rng.choice(vocabulary.FAMILY_NAMES)
    name = display_name or f"{given} {family}"
    handle = slugify(f"{given}-{family}") or "person"
    has_links = rng.random() < 0.6
    user = User(
        email=email or f"{handle}.{index}@example.org",
        display_name=name,
        password=password_hash,
        country=city.country,
        city=city.name,
        timezone=city.timezone,
        affiliation=rng.choice(vocabulary.AFFILIATIONS),
        career_stage=rng.choices(CAREER_STAGES, weights=CAREER_WEIGHTS)[0],
        github_url=f"https://github.com/{handle}{index}" if has_links else "",
        website_url=f"https://{handle}.example.net" if has_links and rng.random() < 0.3 else "",
        scholar_url=f"https://scholar.example.org/citations?user={index}" if rng.random() < 0.1 else "",
        orcid=_orcid(rng) if rng.random() < 0.12 else "",
        bio=rng.choice(vocabulary.MOTIVATIONS) if rng.random() < 0.5 else "",
        public_fields=sorted(rng.sample(PUBLIC_FIELD_NAMES, rng.randint(0, len(PUBLIC_FIELD_NAMES)))),
        date_joined=joined_at,
        is_active=True,
    )
    n_interests = interest_count if interest_count is not None else rng.choices((1, 2, 3, 4), weights=(3, 4, 2, 1))[0]
    n_skills = skill_count if skill_count is not None else rng.choices((0, 1, 2, 3), weights=(2, 3, 3, 2))[0]
    return Person(
        user=user,
        city=city,
        interests=rng.sample(range(len(vocabulary.INTERESTS)), n_interests),
        skills=rng.sample(range(len(vocabulary.SKILLS)), n_skills),
    )


def build_role_accounts(rng: random.Random, *, password_hash: str, joined_at: datetime) -> dict[str, Person]:
    """The documented demo logins."""
    people = {}
    for offset, login in enumerate(DEMO_LOGINS):
        # The site organiser and the participant meet at the Nairobi site; the rest work from HQ.
        city = CITY_BY_NAME["Nairobi" if login.key in ("site_organiser", "participant") else HQ_CITY]
        person = make_person(
            rng,
            index=offset,
            password_hash=password_hash,
            joined_at=joined_at,
            city=city,
            email=login.email,
            display_name=login.display_name,
            interest_count=2,
            skill_count=2,
        )
        person.user.public_fields = PUBLIC_FIELD_NAMES
        if login.key == "staff":
            person.user.is_staff = person.user.is_superuser = True
        if login.key == "organiser":
            person.user.is_organiser = True
        people[login.key] = person
    return people


def hash_demo_password() -> str:
    return make_password(DEMO_PASSWORD)


def joined_before(rng: random.Random, moment: datetime) -> datetime:
    return moment - timedelta(days=rng.randint(1, 40), minutes=rng.randint(0, 1439))
