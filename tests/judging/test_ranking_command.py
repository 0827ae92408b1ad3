"""``sprintlab rank``: the file in, the ranking out, and every kind of bad input refused with nothing written."""

import csv

import pytest
from django.core.management import CommandError, call_command

from sprintlab.judging.ranking.csvfile import MAX_LINE

HEADER = "judge,submission,criterion,score\n"
GOOD = HEADER + "".join(
    f"{judge},{submission},overall,{score}\n"
    for judge, marks in {"ann": (9, 5, 2), "bob": (8, 6, 3), "cat": (10, 4, 1)}.items()
    for submission, score in zip(("Alpha", "Beta", "Gamma"), marks, strict=True)
)


def run(tmp_path, text: str | bytes, *options: str):
    scores = tmp_path / "S.csv"
    if isinstance(text, bytes):
        scores.write_bytes(text)
    else:
        scores.write_text(text, encoding="utf-8")
    out = tmp_path / "R.csv"
    call_command("rank", "--scores", str(scores), "--out", str(out), "--replicates", "20", *options)
    with out.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


@pytest.mark.parametrize("method", ["raw", "zscore", "calibrated"])
def test_the_ranking_is_written_best_first_with_an_interval(tmp_path, method):
    rows = run(tmp_path, GOOD, "--method", method)
    assert rows[0] == ["submission", "score", "low", "high"]
    assert [row[0] for row in rows[1:]] == ["Alpha", "Beta", "Gamma"]
    for _, score, low, high in rows[1:]:
        assert float(low) <= float(score) <= float(high)


def test_raw_scores_are_the_plain_means(tmp_path):
    rows = run(tmp_path, GOOD, "--method", "raw")
    assert rows[1][:2] == ["Alpha", "9.0000"]


def test_with_a_single_criterion_the_weights_do_not_matter(tmp_path):
    assert run(tmp_path, GOOD, "--weights", "overall=7") == run(tmp_path, GOOD)


def test_weights_combine_several_criteria(tmp_path):
    text = HEADER + "ann,A,rigour,9\nann,A,clarity,1\nann,B,rigour,2\nann,B,clarity,6\n"
    assert [r[0] for r in run(tmp_path, text, "--method", "raw")[1:]] == ["A", "B"]  # equal weights: 5 against 4
    rows = run(tmp_path, text, "--method", "raw", "--weights", "rigour=1, clarity=3")
    assert rows[1] == ["B", "5.0000", "5.0000", "5.0000"]


def test_names_that_a_spreadsheet_would_run_are_defused_and_the_warnings_printed(tmp_path, capsys):
    text = HEADER + "ann,=cmd(),c,5\nann,B,c,5\nbob,=cmd(),c,6\nbob,B,c,6\n"
    rows = run(tmp_path, text, "--method", "raw", "--top", "1")
    assert rows[1][0] == "'=cmd()"
    assert "Ranked 2 submissions from 2 judges" in capsys.readouterr().out


def test_a_bom_extra_columns_blank_lines_and_header_case_are_accepted(tmp_path):
    text = "\ufeffJudge, Submission ,criterion,score,note\nann,A,c,3,x\n\nbob,A,c,4,y\nann,B,c,1,\n"
    assert [r[0] for r in run(tmp_path, text, "--method", "raw")[1:]] == ["A", "B"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        (HEADER, "header but no scores"),
        ("ann,A,c,5\n", "lacks judge, submission, criterion, score"),
        ("judge,submission,score\nann,A,5\n", "lacks criterion"),
        (HEADER + "ann,A,c,five\n", "Line 2: the score 'five' is not a number"),
        (HEADER + "ann,A,c,\n", "is not a number"),
        (HEADER + "ann,A,c,nan\n", "not a finite number"),
        (HEADER + "ann,A,c,inf\n", "not a finite number"),
        (HEADER + "ann,A,c,1e999\n", "not a finite number"),
        (HEADER + "ann,A,c,1e300\n", "beyond ±1,000,000"),
        (HEADER + "ann,A,c,5\nbob,A,c,4\nann,A,c,6\n", "Line 4 repeats line 2"),
        (HEADER + "ann,A,c\n", "Line 2 has 3 cells"),
        (HEADER + " ,A,c,5\n", "must not be blank"),
        (HEADER + "ann,A,c,5\nann,A,d,5\nann,B,c,4\n", "scored B without d"),
        (HEADER + "ann," + "A" * (MAX_LINE + 10) + ",c,5\n", "longer than"),
        (HEADER + 'ann,"A,c,5\n', "not valid CSV"),
        (HEADER + "ann,A\0,c,5\n", "Line 2 contains a NUL character"),
        (HEADER + 'ann,"A"x,c,5\n', "Line 2 is not valid CSV"),
        ((HEADER + "ann,Zoë,c,5\n").encode("latin-1"), "not UTF-8"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(tmp_path, text, message):
    out = tmp_path / "R.csv"
    out.write_text("the previous ranking")
    with pytest.raises(CommandError, match=message):
        run(tmp_path, text)
    assert out.read_text() == "the previous ranking"
    assert {p.name for p in tmp_path.iterdir()} == {"S.csv", "R.csv"}


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ("overall", "is not criterion=weight"),
        ("novelty=2", "no score in the file is on the criterion 'novelty'"),
        ("overall=heavy", "not a number"),
        ("overall=-1", "zero or more"),
        ("overall=nan", "finite"),
        ("overall=0", "not all zero"),
    ],
)
def test_bad_weights_are_refused(tmp_path, weights, message):
    with pytest.raises(CommandError, match=message):
        run(tmp_path, GOOD, "--weights", weights)
    assert not (tmp_path / "R.csv").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [(("--replicates", "-1"), "--replicates"), (("--level", "1.5"), "--level"), (("--top", "0"), "--top")],
)
def test_bad_options_are_refused(tmp_path, options, message):
    with pytest.raises(CommandError, match=message):
        run(tmp_path, GOOD, *options)


def test_a_missing_scores_file_or_output_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("rank", "--scores", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "R.csv"))
    (tmp_path / "S.csv").write_text(GOOD)
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("rank", "--scores", str(tmp_path / "S.csv"), "--out", str(tmp_path / "no" / "R.csv"))
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("rank", "--scores", str(tmp_path / "S.csv"), "--out", str(tmp_path), "--replicates", "5")
    assert {p.name for p in tmp_path.iterdir()} == {"S.csv"}
