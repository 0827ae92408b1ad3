"""BibTeX escaping: no title or name can end its field, open another or run LaTeX."""

import pytest

from sprintlab.library import bibtex


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("Q&A: 100% of $x$ #1", r"Q\&A: 100\% of \$x\$ \#1"),
        ("snake_case ~ ^", r"snake\_case \textasciitilde{} \textasciicircum{}"),
        ("}, author = {Evil", r"\}, author = \{Evil"),
        ("\\input{/etc/passwd}", r"\textbackslash{}input\{/etc/passwd\}"),
        ("line\nbreak\ttab\x07bell", "line break tabbell"),
        ("Ünïcødé stays", "Ünïcødé stays"),
    ],
)
def test_escape(raw, escaped):
    assert bibtex.escape(raw) == escaped


def test_an_entry_stays_one_entry_with_balanced_braces():
    text = bibtex.entry(
        key="key2026",
        title="A } title { with } braces",
        authors=["Ada Lovelace", "Smith, Jr., John", "Tom and Jerry"],
        year=2026,
        sprint_title="Evals & Co",
        url="https://example.org/library/1/?a={b}",
        note="Redacted",
    )
    unescaped = text.replace("\\{", "").replace("\\}", "")
    assert unescaped.count("{") == unescaped.count("}")
    assert text.count("@misc{") == 1
    assert "author = {{Ada Lovelace} and {Smith, Jr., John} and {Tom and Jerry}}" in text
    assert "url = {https://example.org/library/1/?a=b}" in text


def test_citation_keys_are_ascii():
    assert bibtex.citation_key(surname="Müller", year=2025, title="Über große Modelle", project_id=7) == (
        "muller2025uber7"
    )
    assert bibtex.citation_key(surname="李", year=2025, title="一二", project_id=8) == "project20258"
