"""The ``sprintlab`` command: Django's management commands under one name.

``sprintlab seed-demo --scale small`` runs the ``seed_demo`` command; dashes and underscores are
interchangeable so that commands read naturally on the command line.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sprintlab.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    args[0] = "sprintlab"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
