"""The demo's sign-in accounts: one per role, all with the same known password."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

DEMO_PASSWORD = "sprintlab-demo"


@dataclass(frozen=True)
class DemoLogin:
    key: str
    email: str
    display_name: str
    role: str


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("staff", "staff@example.org", "Sam Staff", "Staff (admin, all sprints)"),
    DemoLogin(
        "organiser", "organiser@example.org", "Olivia Organiser", "Sprint organiser (every sprint; may create sprints)"
    ),
    DemoLogin("cohost", "cohost@example.org", "Carlos Cohost", "Partner co-host (Apollo Research sprints)"),
    DemoLogin("site_organiser", "site-organiser@example.org", "Wanjiru Site-Lead", "Site organiser (Nairobi sites)"),
    DemoLogin(
        "participant",
        "participant@example.org",
        "Priya Participant",
        "Participant (the running sprint and the open one)",
    ),
    DemoLogin("mentor", "mentor@example.org", "Mateo Mentor", "Mentor (the running, the open and the last sprint)"),
    DemoLogin("judge", "judge@example.org", "Jun Judge", "Judge (the sprint being judged; half the queue left)"),
)


def demo_logins_table(site_url: str | None = None) -> Table:
    title = _("Demo logins (password: %(password)s)") % {"password": DEMO_PASSWORD}
    if site_url:
        title += f" · {site_url}/accounts/login/"
    table = Table(title=title, title_justify="left")
    table.add_column(_("Role"))
    table.add_column(_("Email"), style="bold")
    table.add_column(_("Password"))
    for login in DEMO_LOGINS:
        table.add_row(login.role, login.email, DEMO_PASSWORD)
    return table


def print_demo_logins(console: Console, site_url: str | None = None) -> None:
    console.print(demo_logins_table(site_url))
