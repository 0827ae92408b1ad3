"""A registration's check-in code: the token in its QR code and a short code people can read out.

Both are derived from the registration's id and the server's secret key, so no row stores them
and every confirmed registration has them (docs/decisions/0009-check-in-qr.md):

- the token, the id signed by ``django.core.signing.Signer`` with a salt of its own (no timestamp,
  so the QR code never changes): what the QR code holds;
- the short code, ``<id>-<six letters of an HMAC of the id>`` in an alphabet without look-alikes
  (no 0/O, 1/I/L), for reading out at the door or typing when a camera fails.

Neither can be made up or counted through without the secret key. Both keep working after a key
rotation while the old key is in ``SECRET_KEY_FALLBACKS``.
"""

from __future__ import annotations

import hmac
import io
import re

import segno
from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

TOKEN_SALT = "sprintlab.registrations.check-in"
SHORT_CODE_SALT = "sprintlab.registrations.check-in.short-code"
# Crockford's base-32 alphabet: digits and capitals without I, L, O and U, which are misread.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SHORT_CODE_LETTERS = 6  # 30 bits: a guess is right once in a billion
# Longest code a form or the API takes: a token is about 50 characters.
MAX_CODE_LENGTH = 200
SHORT_CODE = re.compile(rf"^(\d{{1,12}})-?([0-9A-Z]{{{SHORT_CODE_LETTERS}}})$")
# What people type for what they mean: O for zero, I and L for one.
READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def check_in_token(registration_id: int) -> str:
    """The QR code's content: the id signed with this purpose's salt (the same every time)."""
    return signing.Signer(salt=TOKEN_SALT).sign_object(registration_id)


def short_code(registration_id: int) -> str:
    """The code to read out, e.g. ``1234-7KQ2MX``."""
    return f"{registration_id}-{_short_signature(registration_id, settings.SECRET_KEY)}"


def registration_id_from_code(code: str) -> int | None:
    """The registration a token or a short code names, or None when it is neither (forged, mistyped)."""
    code = (code or "").strip()
    if not code or len(code) > MAX_CODE_LENGTH:
        return None
    short = SHORT_CODE.match(code.upper().replace(" ", "").translate(READ_AS))
    if short is not None:
        registration_id, signature = int(short.group(1)), short.group(2)
        for key in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
            if hmac.compare_digest(signature, _short_signature(registration_id, key)):
                return registration_id
        return None
    try:
        registration_id = signing.Signer(salt=TOKEN_SALT).unsign_object(code)
    except (signing.BadSignature, ValueError):
        return None
    return registration_id if type(registration_id) is int else None


def qr_svg(registration_id: int) -> str:
    """The QR code as a standalone SVG document (black on white, with its quiet zone)."""
    buffer = io.BytesIO()
    _qr(registration_id).save(
        buffer, kind="svg", scale=8, border=4, light="#fff", title="Check-in code", svgclass="qr-code"
    )
    return buffer.getvalue().decode()


def qr_png(registration_id: int, *, scale: int = 8) -> bytes:
    """The QR code as a PNG image (tests photograph it; mail clients that block SVG show PNG)."""
    buffer = io.BytesIO()
    _qr(registration_id).save(buffer, kind="png", scale=scale, border=4, light="#fff")
    return buffer.getvalue()


def _qr(registration_id: int) -> segno.QRCode:
    # Medium error correction: a phone photo of a screen with a glare still reads.
    return segno.make_qr(check_in_token(registration_id), error="m")


def _short_signature(registration_id: int, key: str) -> str:
    digest = salted_hmac(SHORT_CODE_SALT, str(registration_id), secret=key, algorithm="sha256").digest()
    number = int.from_bytes(digest[:8], "big")
    return "".join(ALPHABET[(number >> (5 * i)) & 31] for i in range(SHORT_CODE_LETTERS))
