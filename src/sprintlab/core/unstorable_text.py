"""Text that no database here can store: the NUL character and lone surrogates.

PostgreSQL refuses NUL (U+0000) in text, and no driver can encode a lone surrogate (U+D800–U+DFFF:
half of a UTF-16 pair, never valid on its own), so either one used to end in a server error deep in
a query. They are refused where input enters instead, with a message per field: paths, query strings
and form bodies in ``UnstorableTextMiddleware`` below, JSON bodies in the API's parser (``api.api``).
Invalid UTF-8 in a path, query string or form body is decoded with ``surrogateescape`` first, so it
is refused the same way instead of silently turning into replacement characters. Multipart bodies
(uploads, on pages and the API) are decoded so too, by ``keep_invalid_bytes_in_multipart``: the
middleware checks their fields on pages, the API's parser on the API.
"""

import codecs
import re
from collections.abc import Iterable, Iterator
from functools import partial
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParser
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.datastructures import ImmutableList
from django.utils.translation import gettext as _

from sprintlab.core.errors import field_errors_body, is_api_request

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


# Django decodes multipart field values with ``errors="replace"``, so a lone
# surrogate (sent as its invalid UTF-8 bytes, ED A0 80) arrived as U+FFFD and was stored. Parsed with
# this encoding instead, UTF-8 whatever errors Django asks for, invalid bytes stay visible as
# surrogates (``surrogateescape``) and are refused like any other lone surrogate.
MULTIPART_UTF8 = "sprintlab_utf_8_keep_invalid_bytes"


def _decode_keeping_invalid_bytes(data, errors="strict"):
    return codecs.utf_8_decode(data, "surrogateescape", True)


def _encode_utf8(text, errors="strict"):
    return codecs.utf_8_encode(text, errors)


def _find_multipart_codec(name: str) -> codecs.CodecInfo | None:
    if name != MULTIPART_UTF8:
        return None
    return codecs.CodecInfo(name=MULTIPART_UTF8, encode=_encode_utf8, decode=_decode_keeping_invalid_bytes)


codecs.register(_find_multipart_codec)


def _parse_multipart_keeping_invalid_bytes(request, META, post_data):
    """``HttpRequest.parse_file_upload`` with the encoding above (the same upload handlers, the same limits)."""
    request.upload_handlers = ImmutableList(
        request.upload_handlers, warning="You cannot alter upload handlers after the upload has been processed."
    )
    return MultiPartParser(META, post_data, request.upload_handlers, MULTIPART_UTF8).parse()


def keep_invalid_bytes_in_multipart(request) -> None:
    """Make ``request``'s multipart body, when it is read, keep invalid UTF-8 visible (see above).

    Only for UTF-8 bodies (the default): in another declared charset every byte means something.
    """
    charset = codecs.lookup(request.encoding or settings.DEFAULT_CHARSET).name
    if request.content_type == "multipart/form-data" and charset == "utf-8":
        request.parse_file_upload = partial(_parse_multipart_keeping_invalid_bytes, request)


def multipart_errors(fields) -> dict[str, list[str]]:
    """Messages per field for unstorable text in a parsed multipart body's fields (names and values).

    File names need no check: Django drops a part whose headers are not UTF-8, and strips the
    characters of a file name that are not printable.
    """
    return unstorable_text_errors((name, value) for name, values in fields.lists() for value in values)


class UnstorableTextMiddleware:
    """Refuse NUL and lone surrogates in the path, the query string and form bodies with a 400.

    One check for every page, form (ours, allauth's, the admin's) and API operation, before any of
    them reads the input. API bodies are JSON, checked by the API's parser (``api.api``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        keep_invalid_bytes_in_multipart(request)
        errors = self.path_errors(request) or self.query_errors(request)
        if not errors and request.method == "POST" and not is_api_request(request):
            errors = self.form_errors(request)
        if not errors:
            return self.get_response(request)
        if is_api_request(request):
            return JsonResponse(field_errors_body(errors), status=400)
        return render(request, "core/unstorable_input.html", {"errors": errors}, status=400)

    @staticmethod
    def path_errors(request) -> dict[str, list[str]]:
        # Django percent-encodes again the bytes of a path that are not UTF-8 (%ED%BF%BF is U+DFFF,
        # a lone surrogate): decode them once more so that they are refused too.
        message = unstorable_text_message(unquote_to_bytes(request.path_info).decode("utf-8", "surrogateescape"))
        if message is None:
            return {}
        # Name the path parameter when the address matches a page, e.g. "slug" in /api/v1/sprints/%00.
        try:
            arguments = resolve(request.path_info, getattr(request, "urlconf", None)).kwargs
        except Resolver404:
            arguments = {}
        names = [name for name, value in arguments.items() if unstorable_text_message(str(value))]
        return {name: [message] for name in names or ["path"]}

    @staticmethod
    def query_errors(request) -> dict[str, list[str]]:
        # The raw bytes (PEP 3333 passes them as Latin-1): request.GET has replaced invalid UTF-8 already.
        raw = request.META.get("QUERY_STRING", "").encode("latin-1", "replace")
        return unstorable_text_errors(decoded_form_pairs(raw, request.encoding or settings.DEFAULT_CHARSET))

    @staticmethod
    def form_errors(request) -> dict[str, list[str]]:
        if request.content_type == "application/x-www-form-urlencoded":
            return unstorable_text_errors(
                decoded_form_pairs(request.body, request.encoding or settings.DEFAULT_CHARSET)
            )
        if request.content_type == "multipart/form-data":
            return multipart_errors(request.POST)
        return {}
