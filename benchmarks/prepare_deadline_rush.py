"""Set up the deadline rush's data; run in its own process with DATABASE_URL set.

One running sprint whose deadline is an hour away and ``--teams`` teams of one, each lead holding
a confirmed registration and a personal API token. Writes the sprint's slug and the tokens as JSON.
"""

import argparse
import json
import os
from datetime import timedelta


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--teams", type=int, default=300)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sprintlab.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from sprintlab.accounts.models import ApiToken, User
    from sprintlab.registrations.models import Registration, RegistrationStatus
    from sprintlab.sprints.models import ResearchArea, Sprint
    from sprintlab.teams.models import JoinedVia, Team, TeamMember

    now = timezone.now()
    with transaction.atomic():
        sprint = Sprint.objects.create(
            title="Deadline Rush Sprint",
            slug="deadline-rush",
            research_area=ResearchArea.EVALUATIONS,
            is_published=True,
            announced_at=now - timedelta(days=30),
            registration_opens_at=now - timedelta(days=20),
            kickoff_at=now - timedelta(days=2),
            team_formation_closes_at=now - timedelta(days=1),
            submission_deadline_at=now + timedelta(hours=1),
            judging_ends_at=now + timedelta(days=7),
            results_published_at=now + timedelta(days=8),
        )
        password = make_password(None)
        users = User.objects.bulk_create(
            [
                User(email=f"rush-{n}@example.org", display_name=f"Rush Lead {n}", password=password)
                for n in range(args.teams)
            ]
        )
        Registration.objects.bulk_create(
            [
                Registration(
                    sprint=sprint, user=user, status=RegistrationStatus.CONFIRMED, confirmed_at=now,
                    accepted_code_of_conduct=True, experience_level="some",
                )
                for user in users
            ]
        )  # fmt: skip
        teams = Team.objects.bulk_create(
            [Team(sprint=sprint, name=f"Rush Team {n}", lead=user) for n, user in enumerate(users)]
        )
        TeamMember.objects.bulk_create(
            [
                TeamMember(team=team, sprint=sprint, user=user, joined_via=JoinedVia.FOUNDED)
                for team, user in zip(teams, users, strict=True)
            ]
        )
        keys = [ApiToken.generate_key() for _ in users]
        ApiToken.objects.bulk_create(
            [
                ApiToken(user=user, name="rush", key_hash=ApiToken.hash_key(key), hint=key[:12])
                for user, key in zip(users, keys, strict=True)
            ]
        )
    with open(args.out, "w") as handle:
        json.dump({"sprint": sprint.slug, "tokens": keys}, handle)


if __name__ == "__main__":
    main()
