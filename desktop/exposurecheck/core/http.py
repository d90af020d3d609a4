"""The one place HTTP sessions are made: timeouts, bounded retries with backoff, TLS verified, a plain User-Agent.

Every network source builds on `make_session()` and `fetch()`, so the rules for what counts as a usable answer
(status, size, content type, 429 handling) are written once. Response bodies are returned as bytes for the
sources' pure parsers; nothing here logs URLs, because a URL can carry a hash prefix.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from exposurecheck import __version__
from exposurecheck.core.errors import UserError

USER_AGENT = f"ExposureCheck/{__version__}"
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 15.0
MAX_RETRY_AFTER = 30.0  # never make a person wait longer than this for one rate-limited request
MAX_BODY = 4 * 1024 * 1024

# urllib3 logs retried URLs at WARNING, and a range URL carries a hash prefix: silence it for the whole process.
logging.getLogger("urllib3").setLevel(logging.CRITICAL + 1)


def make_session() -> requests.Session:
    """A session that retries connection failures and 502/503/504 with backoff, but not 429 (handled in `fetch`)."""
    session = requests.Session()
    retry = Retry(
        total=2,
        connect=2,
        read=1,
        status=2,
        backoff_factor=0.3,
        status_forcelist=(502, 503, 504),
        allowed_methods=frozenset({"GET", "POST"}),
        respect_retry_after_header=False,
        raise_on_status=False,
    )
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    session.verify = True  # explicit: nothing in the app may turn TLS verification off
    return session


@dataclass(frozen=True)
class Fetched:
    status: int
    body: bytes
    content_type: str


def fetch(
    session: requests.Session,
    method: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    data: bytes | None = None,
    max_body: int = MAX_BODY,
    max_retry_after: float = MAX_RETRY_AFTER,
    sleep: Callable[[float], None] = time.sleep,
) -> Fetched:
    """Make one request and return the body of a 2xx answer, or raise a `UserError` a person can read.

    A 429 is retried once after its `Retry-After` when that is within `max_retry_after`; otherwise it becomes a
    "busy, try again in N seconds" error.
    """
    for attempt in range(2):
        response = _send(session, method, url, headers=headers, data=data)
        if response.status_code == 429:
            wait = _retry_after_seconds(response.headers.get("Retry-After"))
            response.close()
            if attempt == 0 and wait is not None and wait <= max_retry_after:
                sleep(wait)
                continue
            raise UserError("http.rate_limited", seconds=int(wait) if wait is not None else 60)
        return _read(response, max_body)
    raise UserError("http.rate_limited", seconds=60)  # unreachable: the loop returns or raises


def _send(
    session: requests.Session, method: str, url: str, *, headers: dict[str, str] | None, data: bytes | None
) -> requests.Response:
    try:
        return session.request(
            method, url, headers=headers, data=data, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT), stream=True
        )
    except requests.exceptions.SSLError as exc:
        raise UserError("http.tls_failed") from exc
    except requests.exceptions.Timeout as exc:
        raise UserError("http.timeout") from exc
    except requests.exceptions.ConnectionError as exc:
        # After its retries, urllib3 reports a read timeout as a connection error; tell the two apart for people.
        if "timed out" in repr(exc.args).lower():
            raise UserError("http.timeout") from exc
        raise UserError("http.unreachable") from exc
    except requests.exceptions.RequestException as exc:
        raise UserError("http.failed") from exc


def _read(response: requests.Response, max_body: int) -> Fetched:
    with response:
        if response.status_code >= 400:
            raise UserError("http.status", status=response.status_code)
        declared = response.headers.get("Content-Length")
        if declared is not None and declared.isdigit() and int(declared) > max_body:
            raise UserError("http.too_large")
        chunks: list[bytes] = []
        total = 0
        try:
            for chunk in response.iter_content(chunk_size=65536):
                total += len(chunk)
                if total > max_body:
                    raise UserError("http.too_large")
                chunks.append(chunk)
        except requests.exceptions.RequestException as exc:
            raise UserError("http.timeout" if "timed out" in str(exc).lower() else "http.failed") from exc
        return Fetched(response.status_code, b"".join(chunks), response.headers.get("Content-Type", ""))


def _retry_after_seconds(value: str | None) -> float | None:
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        from email.utils import parsedate_to_datetime

        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def looks_like_html(body: bytes) -> bool:
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body"))
