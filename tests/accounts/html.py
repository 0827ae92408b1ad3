"""HTML checks shared by the accounts tests."""

import re


def assert_every_input_is_labelled(html: str) -> None:
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        if re.search(r'type="(hidden|submit)"', tag):
            continue
        field_id = re.search(r'\bid="([^"]+)"', tag)
        assert field_id, f"field without id (so without label): {tag}"
        assert f'for="{field_id.group(1)}"' in html, f"field {field_id.group(1)} has no label"
