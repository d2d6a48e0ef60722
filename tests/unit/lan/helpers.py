"""A tiny HTTP client for the phone server on 127.0.0.1 (tests never talk to other hosts)."""

from __future__ import annotations

import http.client
import re
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str


def request(base: str, method: str, path: str, *, form: dict[str, str] | None = None,
            body: bytes | None = None, headers: dict[str, str] | None = None,
            timeout: float = 10) -> Reply:
    url = urlsplit(base)
    assert url.hostname == "127.0.0.1"
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    sent = dict(headers or {})
    if form is not None:
        body = urlencode(form).encode()
        sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
    try:
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()},
                     response.read().decode("utf-8", "replace"))
    finally:
        conn.close()


def form_key(html: str) -> str:
    match = re.search(r'name="k" value="([0-9a-f]+)"', html)
    assert match, "no form key on the page"
    return match.group(1)
