"""A minimal HTTP/1.1 client on asyncio streams.

Load generators written with a full client library spend more CPU than the server under test on
a 2-core machine; this one does just enough (Content-Length bodies, keep-alive or close) to keep
the client's share of the CPU small.
"""

import asyncio
import time
from dataclasses import dataclass


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float


class Connection:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass
        self.reader = self.writer = None

    async def request(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        body: bytes = b"",
        keep_alive: bool = True,
    ) -> Response:
        """Send one request and read the whole answer; the time includes connecting when needed."""
        started = time.perf_counter()
        reused = self.writer is not None
        try:
            return await self._exchange(method, path, headers or {}, body, keep_alive, started)
        except (ConnectionError, asyncio.IncompleteReadError):
            await self.close()
            if not reused:
                raise
            # The server closed an idle keep-alive connection just before we wrote: reconnect once.
            return await self._exchange(method, path, headers or {}, body, keep_alive, started)

    async def _exchange(self, method, path, headers, body, keep_alive, started) -> Response:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            f"Connection: {'keep-alive' if keep_alive else 'close'}",
            f"Content-Length: {len(body)}",
        ]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        response_headers = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                response_headers[name.strip().lower()] = value.strip()
        if "content-length" in response_headers:
            payload = await self.reader.readexactly(int(response_headers["content-length"]))
        else:
            payload = await self.reader.read()
            response_headers["connection"] = "close"
        if not keep_alive or response_headers.get("connection", "").lower() == "close":
            await self.close()
        return Response(status, response_headers, payload, time.perf_counter() - started)


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]
