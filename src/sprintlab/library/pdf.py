"""PDFs the library makes: certificates (reportlab) and a tiny one-page report (demo data and tests).

The certificate prints the address where anyone can check it; nothing in either file runs code.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence

from django.http import HttpResponse
from django.urls import reverse
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from sprintlab.library.models import Certificate, CertificateKind


def _latin1(text: str) -> str:
    """The standard PDF fonts cover Latin-1; anything else prints as "?" rather than failing."""
    return text.encode("latin-1", "replace").decode("latin-1")


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    buffer = io.BytesIO()
    width, height = landscape(A4)
    page = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=1)
    page.setTitle(_latin1(f"Certificate {certificate.code}"))
    page.setAuthor("SprintLab")
    page.setStrokeColor(colors.HexColor("#1f4e79"))
    page.setLineWidth(6)
    page.rect(28, 28, width - 56, height - 56)
    page.setLineWidth(1)
    page.rect(40, 40, width - 80, height - 80)
    center = width / 2
    winner = certificate.kind == CertificateKind.WINNER
    page.setFillColor(colors.HexColor("#1f4e79"))
    page.setFont("Helvetica-Bold", 34)
    page.drawCentredString(
        center, height - 130, "Certificate of Achievement" if winner else "Certificate of Participation"
    )
    page.setFillColor(colors.black)
    page.setFont("Helvetica", 15)
    page.drawCentredString(center, height - 180, "This certifies that")
    page.setFont("Helvetica-Bold", 28)
    page.drawCentredString(center, height - 225, _latin1(certificate.holder_name)[:60])
    page.setFont("Helvetica", 15)
    page.drawCentredString(center, height - 265, "took part in the research sprint")
    page.setFont("Helvetica-Bold", 19)
    page.drawCentredString(center, height - 295, _latin1(certificate.sprint.title)[:80])
    line = height - 330
    if certificate.project_title:
        page.setFont("Helvetica-Oblique", 14)
        for part in textwrap.wrap(_latin1(f'with the project "{certificate.project_title}"'), 90)[:2]:
            page.drawCentredString(center, line, part)
            line -= 20
    if winner:
        page.setFont("Helvetica-Bold", 15)
        page.drawCentredString(center, line - 10, _latin1(f"Awarded: {certificate.award_names}")[:110])
    page.setFont("Helvetica", 10)
    page.drawCentredString(
        center, 92, _latin1(f"Issued {certificate.issued_at:%d %B %Y} · certificate code {certificate.code}")
    )
    page.drawCentredString(center, 76, _latin1(f"Check that this certificate is genuine at {verify_url}"))
    page.linkURL(verify_url, (center - 250, 70, center + 250, 88), relative=0)
    page.showPage()
    page.save()
    return buffer.getvalue()


def certificate_response(request, certificate) -> HttpResponse:
    """The certificate as a PDF download (made on demand: the row, and so the code, is fixed)."""
    verify_url = request.build_absolute_uri(reverse("library:verify", kwargs={"code": certificate.code}))
    response = HttpResponse(certificate_pdf(certificate, verify_url=verify_url), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _pdf_string(text: str) -> bytes:
    escaped = _latin1(text).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("latin-1") + b")"


def tiny_report_pdf(*, title: str, authors: Sequence[str], body: str) -> bytes:
    """A one-page PDF with a title, the authors and up to 40 lines of body text: a few kB, made in microseconds.

    Written by hand (one content stream, Helvetica) so that hundreds of demo reports cost nothing.
    """
    lines = [(18, title[:70]), (11, ", ".join(authors)[:100]), (11, "")]
    lines += [(10, line) for line in textwrap.wrap(body, 95)[:40]]
    content = [b"BT", b"50 790 Td"]
    for size, text in lines:
        content += [f"/F1 {size} Tf".encode(), _pdf_string(text) + b" Tj", f"0 -{size + 6} Td".encode()]
    content.append(b"ET")
    stream = b"\n".join(content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body_bytes in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body_bytes + b"\nendobj\n")
    xref_at = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n".encode())
    return out.getvalue()
