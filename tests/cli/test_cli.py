import pytest

from sprintlab import cli


def test_dashes_in_the_command_name_become_underscores(monkeypatch):
    seen = []
    monkeypatch.setattr("django.core.management.execute_from_command_line", seen.append)
    cli.main(["anything", "seed-demo", "--scale", "small", "--if-empty"])
    assert seen == [["sprintlab", "seed_demo", "--scale", "small", "--if-empty"]]


def test_options_keep_their_dashes(monkeypatch):
    seen = []
    monkeypatch.setattr("django.core.management.execute_from_command_line", seen.append)
    cli.main(["sprintlab", "--version"])
    assert seen == [["sprintlab", "--version"]]


def test_the_mapped_command_really_runs(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["sprintlab", "seed-demo", "--help"])
    assert exit_info.value.code == 0
    assert "--if-empty" in capsys.readouterr().out
