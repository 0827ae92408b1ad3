"""An oversize upload is stopped while it arrives: never read whole, never held in memory."""

import io

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.test import RequestFactory

from sprintlab.core.uploads import upload_refusal

BOUNDARY = "BoUnDaRy"


class EndlessBody(io.RawIOBase):
    """A request body of ``declared`` bytes made up as it is read: the form fields, then one huge file."""

    def __init__(self, head: bytes, declared: int):
        self.head = head
        self.declared = declared
        self.position = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        if self.position >= self.declared:
            return 0
        size = min(len(buffer), self.declared - self.position)
        start = self.position
        chunk = bytearray(size)
        if start < len(self.head):
            part = self.head[start : start + size]
            chunk[: len(part)] = part
        buffer[:size] = chunk
        self.position += size
        return size


def _head() -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\ntoken\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\nBig\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="report"; filename="big.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
    ).encode()


def _request(body: EndlessBody) -> WSGIRequest:
    environ = RequestFactory()._base_environ(
        REQUEST_METHOD="POST",
        CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(body.declared),
    )
    environ["wsgi.input"] = body
    return WSGIRequest(environ)


def test_a_500_mb_upload_is_refused_at_its_first_file_without_reading_it(settings):
    body = EndlessBody(_head(), declared=500 * 1024 * 1024)
    request = _request(body)
    assert request.POST["title"] == "Big" and request.POST["csrfmiddlewaretoken"] == "token"
    assert "report" not in request.FILES
    assert "together are larger" in upload_refusal(request)["report"][0]
    assert body.position < 1024 * 1024


@pytest.mark.parametrize("limit_mb", [1, 5])
def test_a_file_over_the_limit_stops_reading_at_the_limit(settings, limit_mb):
    """A request under the total limit but with one file over the file limit: read to the limit, then stopped."""
    settings.UPLOAD_FILE_MAX_BYTES = limit_mb * 1024 * 1024
    settings.UPLOAD_REQUEST_MAX_BYTES = 60 * 1024 * 1024
    body = EndlessBody(_head(), declared=50 * 1024 * 1024)
    request = _request(body)
    assert "report" not in request.FILES
    assert "larger than" in upload_refusal(request)["report"][0]
    assert body.position < (limit_mb + 1) * 1024 * 1024


def test_a_small_upload_goes_to_a_temporary_file_not_memory(settings, client):
    """Above FILE_UPLOAD_MAX_MEMORY_SIZE (256 kB) an upload is spooled to disk while it arrives."""
    body = (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="report"; filename="r.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + b"x" * (1024 * 1024)
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    environ = RequestFactory()._base_environ(
        REQUEST_METHOD="POST",
        CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(len(body)),
    )
    environ["wsgi.input"] = io.BytesIO(body)
    request = WSGIRequest(environ)
    upload = request.FILES["report"]
    assert upload.size == 1024 * 1024 and hasattr(upload, "temporary_file_path")
    assert upload_refusal(request) == {}


def test_the_api_refuses_an_oversize_multipart_body_from_its_content_length(client):
    response = client.generic(
        "POST",
        "/api/v1/submissions/sprints/any/mine",
        b"-",  # the test client sends a content type only with a body
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(500 * 1024 * 1024),
    )
    assert response.status_code == 413 and "60 MB" in response.json()["detail"]
