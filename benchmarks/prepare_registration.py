"""Set up the registration benchmark's data; run in its own process with DATABASE_URL set.

One published sprint with registration open, ``--sites`` approved sites of ``--seats`` seats, and
``--users`` people each holding a personal API token. Writes the tokens and site ids as JSON.
"""

import argparse
import json
import os
from datetime import timedelta


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--seats", type=int, default=30)
    parser.add_argument("--warm-up-users", type=int, default=32)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sprintlab.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from sprintlab.accounts.models import ApiToken, User
    from sprintlab.localsites.models import LocalSite, SiteStatus
    from sprintlab.sprints.models import ResearchArea, Sprint

    now = timezone.now()
    with transaction.atomic():
        host = User.objects.create(email="bench-organiser@example.org", display_name="Bench Organiser")

        def open_sprint(slug: str, title: str) -> Sprint:
            return Sprint.objects.create(
                title=title,
                slug=slug,
                research_area=ResearchArea.EVALUATIONS,
                description="Registration benchmark.",
                is_published=True,
                created_by=host,
                announced_at=now - timedelta(days=30),
                registration_opens_at=now - timedelta(days=1),
                kickoff_at=now + timedelta(days=14),
                submission_deadline_at=now + timedelta(days=16),
                judging_ends_at=now + timedelta(days=23),
                results_published_at=now + timedelta(days=24),
            )

        def sites_of(sprint: Sprint, count: int, seats: int) -> list[LocalSite]:
            return LocalSite.objects.bulk_create(
                [
                    LocalSite(
                        sprint=sprint,
                        name=f"Bench Site {n}",
                        slug=f"bench-site-{n}",
                        address=f"{n} Bench Road",
                        city="Copenhagen",
                        country="DK",
                        capacity=seats,
                        timezone="Europe/Copenhagen",
                        starts_at=sprint.kickoff_at,
                        ends_at=sprint.submission_deadline_at,
                        contact_name="Bench Organiser",
                        contact_email="bench-organiser@example.org",
                        status=SiteStatus.APPROVED,
                        applicant=host,
                    )
                    for n in range(count)
                ]
            )

        sprint = open_sprint("benchmark-sprint", "Benchmark Sprint")
        sites = sites_of(sprint, args.sites, args.seats)
        # A second sprint takes the warm-up registrations, so the measured one stays exact.
        warm_up = open_sprint("warm-up-sprint", "Warm-up Sprint")
        warm_up_site = sites_of(warm_up, 1, 1000)[0]
        password = make_password(None)  # unusable: these people only use tokens
        users = User.objects.bulk_create(
            [
                User(
                    email=f"bench-user-{n}@example.org",
                    display_name=f"Bench User {n}",
                    password=password,
                    timezone="Europe/Copenhagen",
                )
                for n in range(args.users + args.warm_up_users)
            ],
            batch_size=1000,
        )
        keys = [ApiToken.generate_key() for _ in users]
        ApiToken.objects.bulk_create(
            [
                ApiToken(user=user, name="benchmark", key_hash=ApiToken.hash_key(key), hint=key[:12])
                for user, key in zip(users, keys, strict=True)
            ],
            batch_size=1000,
        )
    with open(args.out, "w") as handle:
        json.dump(
            {
                "sprint": sprint.slug,
                "sites": [site.pk for site in sites],
                "tokens": keys[: args.users],
                "warm_up": {"sprint": warm_up.slug, "site": warm_up_site.pk, "tokens": keys[args.users :]},
            },
            handle,
        )


if __name__ == "__main__":
    main()
