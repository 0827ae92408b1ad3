"""A breadth-first crawl of SprintLab's own pages as one signed-in person (or nobody), for the crawl tests.

It follows same-origin links with GET only and opens each distinct URL *pattern* (the URL route plus
the names of its query parameters) a few times, so the crawl covers every kind of page without
opening each of the demo's thousands of rows. For each page it records what breaks the rules every
page keeps: no server error, a ``<main>`` landmark and a title on every HTML page, and no
sub-resource (script, style, image, frame, font, form target) from another host.
"""

from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

from django.urls import Resolver404, resolve

APP_HOST = "testserver"
# Links the crawl must not follow: signing out ends the role being crawled.
SKIPPED_PATH_PARTS = ("logout",)
# Tags and attributes that make the browser fetch something (outgoing plain links are fine).
SUBRESOURCE_ATTRIBUTES = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src",),
    "form": ("action",),
}
# ``<link rel=…>`` kinds that fetch: canonical or alternate links to elsewhere fetch nothing.
FETCHING_LINK_RELS = {
    "stylesheet",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "preload",
    "prefetch",
    "modulepreload",
    "manifest",
}


class PageReader(HTMLParser):
    """Collects a page's links, its sub-resource URLs, its title and whether it has a main landmark."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.subresources: list[str] = []
        self.has_main = False
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "main" or values.get("role") == "main":
            self.has_main = True
        if tag == "title":
            self._in_title = True
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if tag == "link" and values.get("href"):
            rels = set((values.get("rel") or "").lower().split())
            if rels & FETCHING_LINK_RELS:
                self.subresources.append(values["href"])
        for attribute in SUBRESOURCE_ATTRIBUTES.get(tag, ()):
            value = values.get(attribute)
            if not value:
                continue
            if attribute == "srcset":
                self.subresources.extend(part.strip().split(" ")[0] for part in value.split(",") if part.strip())
            else:
                self.subresources.append(value)

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def is_other_host(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "mailto", "tel", "javascript"):
        return False
    return bool(parts.netloc) and parts.hostname != APP_HOST


def pattern_of(url: str) -> str | None:
    """The URL's route plus its query parameter names; None for URLs that no route serves."""
    parts = urlsplit(url)
    try:
        route = resolve(parts.path).route
    except Resolver404:
        return None
    names = sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return route + ("?" + "&".join(names) if names else "")


@dataclass
class CrawlReport:
    pages: int = 0
    problems: dict[str, list[str]] = field(default_factory=dict)
    not_found: list[str] = field(default_factory=list)

    def add(self, url: str, problem: str) -> None:
        self.problems.setdefault(url, []).append(problem)


def crawl(client, *, start: tuple[str, ...] = ("/",), per_pattern: int = 3, max_pages: int = 600) -> CrawlReport:
    report = CrawlReport()
    queue = deque(start)
    queued = set(start)
    opened_per_pattern: Counter[str] = Counter()
    while queue and report.pages < max_pages:
        url = queue.popleft()
        pattern = pattern_of(url) or url
        if opened_per_pattern[pattern] >= per_pattern:
            continue
        opened_per_pattern[pattern] += 1
        response = client.get(url)
        report.pages += 1
        targets: list[str] = []
        if response.status_code >= 500:
            report.add(url, f"status {response.status_code}")
        elif response.status_code == 404:
            report.not_found.append(url)
        elif response.status_code in (301, 302, 303, 307, 308):
            targets.append(response["Location"])
        elif response.get("Content-Type", "").startswith("text/html"):
            reader = PageReader()
            reader.feed(response.content.decode(response.charset or "utf-8"))
            if not reader.has_main:
                report.add(url, "no <main> landmark")
            if not reader.title.strip():
                report.add(url, "no title")
            for resource in reader.subresources:
                if is_other_host(resource):
                    report.add(url, f"loads {resource} from another host")
            targets.extend(reader.links)
        for target in targets:
            absolute = urldefrag(urljoin(url, target)).url
            parts = urlsplit(absolute)
            if is_other_host(absolute) or parts.scheme not in ("", "http", "https"):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local in queued or any(part in parts.path for part in SKIPPED_PATH_PARTS):
                continue
            queued.add(local)
            queue.append(local)
    return report
