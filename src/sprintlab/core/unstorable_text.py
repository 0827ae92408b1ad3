"""Text that no database here can store: the NUL character and lone surrogates.

PostgreSQL refuses NUL (U+0000) in text, and no driver can encode a lone surrogate (U+D800–U+DFFF:
half of a UTF-16 pair, never valid on its own), so either one used to end in a server error deep in
a query. They are refused where input enters instead, with a message per field: query strings,
paths and form bodies in ``core.middleware.UnstorableTextMiddleware``, JSON bodies in the API.
Invalid UTF-8 in a query string or form body is decoded with ``surrogateescape`` first, so it is
refused the same way instead of silently turning into replacement characters.
"""

import re
from collections.abc import Iterable, Iterator
from urllib.parse import unquote_to_bytes

from django.utils.translation import gettext as _

UNSTORABLE_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


def unstorable_text_message(value: str) -> str | None:
    """Why ``value`` cannot be accepted, or None when it can."""
    match = UNSTORABLE_CHARACTERS.search(value)
    if match is None:
        return None
    if match.group() == "\x00":
        return _("Remove the NUL character (U+0000): text cannot contain it.")
    return _("This is not valid text: it contains a lone surrogate (U+D800 to U+DFFF) or bytes that are not UTF-8.")


def displayable(name: str) -> str:
    """A field name fit to show in a message, even when the name itself is hostile."""
    return UNSTORABLE_CHARACTERS.sub("\ufffd", name)


def unstorable_text_errors(fields: Iterable[tuple[str, object]]) -> dict[str, list[str]]:
    """Messages per field for every unstorable string among ``fields`` and the values nested in them.

    Nested values are named by their path, e.g. ``tracks.0.name``, as the API names schema errors.
    A walk with an explicit stack: a deeply nested JSON body must not exhaust Python's recursion limit.
    """
    errors: dict[str, list[str]] = {}

    def refuse(path: str, text: str) -> None:
        message = unstorable_text_message(text)
        if message:
            errors.setdefault(displayable(path), []).append(message)

    pending = []
    for name, value in fields:
        refuse(name, name)
        pending.append((name, value))
    pending.reverse()
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            refuse(path, value)
        elif isinstance(value, dict | list | tuple):
            children = []
            for key, child in value.items() if isinstance(value, dict) else enumerate(value):
                child_path = f"{path}.{key}"
                if isinstance(key, str):
                    refuse(child_path, key)
                children.append((child_path, child))
            pending.extend(reversed(children))
    return errors


def decoded_form_pairs(raw: bytes, encoding: str = "utf-8") -> Iterator[tuple[str, str]]:
    """The name/value pairs of a query string or urlencoded body, with invalid bytes kept as surrogates.

    Django decodes them with ``errors="replace"``, which hides invalid UTF-8; this decoding keeps it
    visible so that it is refused like a lone surrogate sent in JSON.
    """
    for part in raw.split(b"&"):
        if not part:
            continue
        name, _sep, value = part.partition(b"=")
        yield (
            unquote_to_bytes(name.replace(b"+", b" ")).decode(encoding, "surrogateescape"),
            unquote_to_bytes(value.replace(b"+", b" ")).decode(encoding, "surrogateescape"),
        )
