"""Read the forms of a rendered page as a browser would submit them (for the hostile-input walk)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

# Inputs a person cannot type into, or that carry no text (files are sent by other tests).
NOT_TYPED = {"submit", "button", "image", "reset", "file"}


@dataclass
class Form:
    action: str
    method: str
    values: dict[str, list[str]] = field(default_factory=dict)  # what a browser sends untouched
    kinds: dict[str, str] = field(default_factory=dict)  # every field by name: text, number, checkbox…

    def add(self, name: str, kind: str, value: str | None) -> None:
        self.kinds.setdefault(name, kind)
        if value is not None:
            self.values.setdefault(name, []).append(value)


class PageForms(HTMLParser):
    """The forms of a page (htmx elements that post on their own count as forms), and its links."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._select: tuple[str, list[str], list[str]] | None = None  # name, selected, all options

    @classmethod
    def of(cls, page_url: str, html: str) -> "PageForms":
        parser = cls(page_url)
        parser.feed(html)
        return parser

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        name = attributes.get("name")
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "form":
            self._form = Form(action=attributes.get("action") or self.page_url, method=attributes.get("method", "get"))
            self._form.method = self._form.method.lower()
            self.forms.append(self._form)
        elif tag == "option" and self._select is not None:
            value = attributes.get("value", "")
            self._select[2].append(value)
            if "selected" in attributes:
                self._select[1].append(value)
        if name and "hx-post" in attributes and tag != "form" and attributes["hx-post"] != self._form_action():
            # An element that posts itself (e.g. a live preview), as htmx sends it.
            self.forms.append(Form(action=attributes["hx-post"], method="post", kinds={name: "text"}))
        if not name and "hx-get" in attributes and tag != "form":
            # An element that loads a part of the page by itself (the header's polled inbox badge).
            self.forms.append(Form(action=attributes["hx-get"], method="get"))
        if self._form is None or not name:
            return
        if tag == "input":
            kind = attributes.get("type", "text").lower()
            if kind in NOT_TYPED:
                return
            sent = "checked" in attributes if kind in ("checkbox", "radio") else True
            self._form.add(name, kind, attributes.get("value", "on" if kind == "checkbox" else "") if sent else None)
        elif tag == "textarea":
            self._textarea = (name, [])
        elif tag == "select":
            self._select = (name, [], [])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def _form_action(self) -> str | None:
        return self._form.action if self._form else None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            if self._form is not None:
                # Browsers drop the first newline after <textarea>.
                self._form.add(name, "textarea", "".join(text).removeprefix("\n"))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, selected, options = self._select
            if self._form is not None:
                self._form.add(name, "select", (selected or options or [""])[0])
            self._select = None

    def same_page_query_names(self) -> set[str]:
        """Query parameters that the page's own links use (tabs, filters, pages)."""
        page_path = urlsplit(self.page_url).path
        names = set()
        for link in self.links:
            parts = urlsplit(link)
            if parts.query and parts.path in ("", page_path):
                names |= {name for name, _value in parse_qsl(parts.query, keep_blank_values=True)}
        return names
