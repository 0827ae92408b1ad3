"""Factories and files for the submissions tests: sprints running now, teams in them, good and bad PDFs."""

from __future__ import annotations

import zlib
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sprintlab.submissions import services
from sprintlab.submissions.sample_pdf import sample_pdf
from tests.factories import SprintFactory
from tests.teams.factories import TeamFactory


def running_sprint(**kwargs):
    """A published sprint that kicked off yesterday; submissions close in a day (teams already closed)."""
    now = timezone.now()
    values = {
        "announced_at": now - timedelta(days=30),
        "registration_opens_at": now - timedelta(days=20),
        "kickoff_at": now - timedelta(days=1),
        "submission_deadline_at": now + timedelta(days=1),
        "team_formation_closes_at": now - timedelta(hours=12),
    }
    values.update(kwargs)
    return SprintFactory(**values)


def team_in(sprint, **kwargs):
    return TeamFactory(sprint=sprint, **kwargs)


def pdf_upload(name: str = "report.pdf", *, title: str = "Probing refusal", pages: int = 2, data: bytes | None = None):
    data = (
        sample_pdf(title, ["We find a refusal direction in small chat models."], pages=pages) if data is None else data
    )
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def save(team, actor=None, **kwargs):
    """A successful save by the team's lead (or ``actor``) with good defaults."""
    values = {
        "title": "Probing refusal",
        "abstract": "We look for the direction that makes models refuse.",
        "report": pdf_upload(),
    }
    values.update(kwargs)
    return services.submission_save(actor=actor or team.lead, sprint=team.sprint, team=team, **values)


# --- Bad files --------------------------------------------------------------------------------


def renamed_png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def truncated_pdf() -> bytes:
    return sample_pdf("Cut short")[:120]


def garbage_pdf() -> bytes:
    return b"%PDF-1.7\n" + bytes(range(256)) * 40


def encrypted_pdf() -> bytes:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(sample_pdf("Secret"))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def no_pages_pdf() -> bytes:
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def page_count_bomb_pdf(count: int = 50_000) -> bytes:
    """A page tree that claims ``count`` pages (a bomb that would make a parser walk them all)."""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % count,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>",
        ]
    )


def many_real_pages_pdf(count: int) -> bytes:
    """``count`` real pages whose tree understates its count: the walk, not the claim, is refused."""
    kids = b" ".join(b"%d 0 R" % (3 + n) for n in range(count))
    pages = [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>"] * count
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count 1 >>" % kids, *pages])


def deep_page_tree_pdf(depth: int = 5000) -> bytes:
    """Page-tree nodes nested ``depth`` deep: recursion in a naive parser."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        number = 2 + level
        objects.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (number + 1))
    objects.append(b"<< /Type /Page /MediaBox [0 0 10 10] >>")
    return _pdf(objects)


def decompression_bomb_pdf(inflated: int = 200 * 1024 * 1024) -> bytes:
    """One page whose content stream inflates from a few hundred kB to ``inflated`` bytes."""
    compressor = zlib.compressobj(9)
    block = b" " * (1024 * 1024)
    compressed = b"".join(compressor.compress(block) for _ in range(inflated // len(block))) + compressor.flush()
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(compressed) + compressed + b"\nendstream",
        ]
    )


def _pdf(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
