"""A project's citation as BibTeX, with every field escaped so that any title or name stays one valid entry."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

# LaTeX's special characters, written so that BibTeX and LaTeX print them as themselves.
SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
SPECIAL_PATTERN = re.compile("|".join(re.escape(character) for character in SPECIAL))
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape(value: str) -> str:
    """``value`` as BibTeX field content: specials escaped, control characters dropped, whitespace collapsed.

    Braces are escaped rather than balanced, so no value can close its field early or open another.
    """
    value = CONTROL.sub("", value)
    value = " ".join(value.split())
    return SPECIAL_PATTERN.sub(lambda match: SPECIAL[match.group()], value)


def escape_url(url: str) -> str:
    """A URL stays as typed (``\\url`` reads it verbatim); only what could end the field is dropped."""
    return re.sub(r"[{}\\\s%]", "", url)


def author_field(names: Sequence[str]) -> str:
    """Names joined by `` and ``; each name braced, so a name with a comma or "and" in it stays one person."""
    return " and ".join("{" + escape(name) + "}" for name in names if name.strip())


def citation_key(*, surname: str, year: int, title: str, project_id: int) -> str:
    """``surname2026word`` from ASCII letters only (then the id, so keys never collide)."""

    def ascii_word(text: str) -> str:
        folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return "".join(character for character in folded if character.isalnum()).lower()

    first_word = next((ascii_word(word) for word in title.split() if len(ascii_word(word)) > 3), "")
    return f"{ascii_word(surname) or 'project'}{year}{first_word}{project_id}"


def entry(
    *,
    key: str,
    title: str,
    authors: Sequence[str],
    year: int,
    sprint_title: str,
    url: str,
    abstract: str = "",
    note: str = "",
) -> str:
    fields = [
        ("title", "{" + escape(title) + "}"),
        ("author", author_field(authors)),
        ("year", str(year)),
        ("howpublished", escape(f"{sprint_title}, SprintLab research sprint")),
        ("url", escape_url(url)),
    ]
    if note:
        fields.append(("note", escape(note)))
    if abstract:
        fields.append(("abstract", escape(abstract)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{{key},\n{body}\n}}\n"
