"""Small valid PDFs written by hand: the demo's reports, and the tests' good files.

A few hundred bytes per page and no dependency: the demo makes hundreds of them in well under a
second. Text is Helvetica, one line per string, on A4 pages.
"""

from __future__ import annotations

PAGE_WIDTH, PAGE_HEIGHT = 595, 842


def _escape(text: str) -> str:
    text = text.encode("latin-1", "replace").decode("latin-1")
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _page_stream(lines: list[str]) -> bytes:
    commands = ["BT", "/F1 12 Tf", "14 TL", "56 780 Td"]
    for line in lines:
        commands.append(f"({_escape(line)}) '")
    commands.append("ET")
    return "\n".join(commands).encode("latin-1")


def sample_pdf(title: str, paragraphs: list[str] | None = None, *, pages: int = 1) -> bytes:
    """A valid PDF of ``pages`` pages: the title and the paragraphs (wrapped) on the first, a page number on the rest."""
    lines = [title, ""]
    for paragraph in paragraphs or []:
        words, line = paragraph.split(), ""
        for word in words:
            if len(line) + len(word) > 80:
                lines.append(line)
                line = ""
            line = f"{line} {word}".strip()
        lines.extend([line, ""])
    page_streams = [_page_stream(lines[:50])] + [_page_stream([f"{title} - page {n}"]) for n in range(2, pages + 1)]
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    font_number = 3
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    kids = []
    for stream in page_streams:
        content_number = len(objects) + 1
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        page_number = len(objects) + 1
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 %d 0 R >> >> "
            b"/Contents %d 0 R >>" % (PAGE_WIDTH, PAGE_HEIGHT, font_number, content_number)
        )
        kids.append(b"%d 0 R" % page_number)
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
