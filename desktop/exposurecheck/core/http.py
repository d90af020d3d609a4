"""The one place HTTP sessions are made and used: what a usable answer is, and what no server can make us do.

Every network source builds on `make_session()` and `fetch()`, so these rules are written once:
- TLS verified; plain `http://` only to this computer (loopback) unless the person allowed it explicitly
  (`allow_insecure_http`, which the window names as unsafe);
- redirects followed by hand, only within the same origin (same scheme, host and port) and at most a few: never to
  another server, never from https down to http;
- no cookies kept or sent: a lookup must not be linkable to the next one;
- bodies capped *after* gzip/deflate is undone, while they stream in (see http_decode.py);
- every request runs under the thread's time budget (see http_budget.py): a server that drips bytes, or a person
  who cancels, ends the request at once;
- bounded retries with backoff for connection failures and 502/503/504, a 429's Retry-After honoured only when short.
Nothing here logs URLs: a URL can carry a hash prefix.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.cookiejar import CookiePolicy
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.cookies import RequestsCookieJar
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.retry import Retry

from exposurecheck import __version__
from exposurecheck.core.errors import Cancelled, UserError
from exposurecheck.core.http_budget import DEFAULT_SECONDS, Budget, BudgetSpent, current_budget
from exposurecheck.core.http_decode import BoundedInflater

USER_AGENT = f"ExposureCheck/{__version__}"
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 15.0
MAX_RETRY_AFTER = 30.0  # never make a person wait longer than this for one rate-limited request
MAX_BODY = 4 * 1024 * 1024
MAX_REDIRECTS = 3
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ENCODINGS = {"": None, "identity": None, "gzip": "gzip", "x-gzip": "gzip", "deflate": "deflate"}
_READ_PIECE = 16 * 1024

# urllib3 logs retried URLs at WARNING, and a range URL carries a hash prefix: silence it for the whole process.
logging.getLogger("urllib3").setLevel(logging.CRITICAL + 1)


class _NoCookies(CookiePolicy):
    """Refuses to store or return any cookie."""

    netscape = True
    rfc2965 = False
    hide_cookie2 = True

    def set_ok(self, cookie: Any, request: Any) -> bool:
        return False

    def return_ok(self, cookie: Any, request: Any) -> bool:
        return False

    def domain_return_ok(self, domain: str, request: Any) -> bool:
        return False

    def path_return_ok(self, path: str, request: Any) -> bool:
        return False


class _WatchedHTTPConnection(HTTPConnection):
    """Registers itself with the thread's budget before each request, so the watchdog can close its socket."""

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch(self)
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch(self)
        super().request(*args, **kwargs)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


def _watch(connection: object) -> None:
    budget = current_budget()
    if budget is not None:
        budget.watch(connection)  # raises BudgetSpent when the time is already up or the person cancelled


class _Adapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


_INSECURE_ALLOWED_FOR_THIS_RUN = False


def allow_insecure_http_for_this_run() -> None:
    """The person's explicit `--allow-insecure-http` (CLI `check` and `gui`): plain http to other computers is
    allowed for every source of this process, and the window names each such source as unsafe."""
    global _INSECURE_ALLOWED_FOR_THIS_RUN
    _INSECURE_ALLOWED_FOR_THIS_RUN = True


class Session(requests.Session):
    """A requests session with the app's rules; `allow_insecure_http` is the person's explicit choice."""

    allow_insecure_http: bool = False


def make_session(*, allow_insecure_http: bool = False) -> Session:
    """A session that retries connection failures and 502/503/504 with backoff, but not 429 (handled in `fetch`)."""
    session = Session()
    session.allow_insecure_http = allow_insecure_http
    retry = Retry(
        total=2,
        connect=2,
        read=1,
        status=2,
        redirect=0,
        backoff_factor=0.3,
        status_forcelist=(502, 503, 504),
        allowed_methods=frozenset({"GET", "POST"}),
        respect_retry_after_header=False,
        raise_on_status=False,
        raise_on_redirect=False,
    )
    adapter = _Adapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept-Encoding"] = "gzip"  # undone here, under the cap; nothing else is asked for
    session.cookies = RequestsCookieJar(policy=_NoCookies())
    session.verify = True  # explicit: nothing in the app may turn TLS verification off
    return session


def is_loopback_url(url: str) -> bool:
    """Whether the URL's host is this computer (127.0.0.0/8, ::1 or localhost)."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_insecure_url(url: str) -> bool:
    """A plain-http URL to another computer: anyone on the way can read and change what is sent and received."""
    return urlsplit(url).scheme.lower() == "http" and not is_loopback_url(url)


def check_url(url: str, *, allow_insecure_http: bool = False) -> None:
    """Refuse a URL the app will not use: only https, or http to this computer or with the person's explicit flag."""
    scheme = urlsplit(url).scheme.lower()
    if scheme == "https":
        return
    if scheme == "http" and (allow_insecure_http or _INSECURE_ALLOWED_FOR_THIS_RUN or is_loopback_url(url)):
        return
    raise UserError("http.insecure_refused" if scheme == "http" else "http.failed")


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
    sleep: Callable[[float], None] | None = None,
) -> Fetched:
    """Make one request and return the body of a 2xx answer, or raise a `UserError` a person can read.

    Runs under the thread's budget (a fresh one of `DEFAULT_SECONDS` outside any scope): past its deadline this
    raises `http.deadline`, and when the person cancels it raises `Cancelled`. A 429 is retried once after its
    `Retry-After` when that is within `max_retry_after` and the budget; otherwise it is a "busy" error.
    """
    budget = current_budget()
    if budget is None:
        from exposurecheck.core.http_budget import budget_scope

        with budget_scope(Budget.lasting(DEFAULT_SECONDS)) as budget:
            return _fetch(session, budget, method, url, headers, data, max_body, max_retry_after, sleep)
    return _fetch(session, budget, method, url, headers, data, max_body, max_retry_after, sleep)


def _fetch(
    session: requests.Session,
    budget: Budget,
    method: str,
    url: str,
    headers: dict[str, str] | None,
    data: bytes | None,
    max_body: int,
    max_retry_after: float,
    sleep: Callable[[float], None] | None,
) -> Fetched:
    check_url(url, allow_insecure_http=getattr(session, "allow_insecure_http", False))
    for attempt in range(2):
        response = _follow(session, budget, method, url, headers, data)
        if response.status_code == 429:
            wait = _retry_after_seconds(response.headers.get("Retry-After"))
            response.close()
            if attempt == 0 and wait is not None and wait <= max_retry_after and wait < budget.remaining():
                if sleep is not None:
                    sleep(wait)
                elif budget.sleep(wait) is not None:
                    _raise_spent(budget)
                continue
            raise UserError("http.rate_limited", seconds=int(wait) if wait is not None else 60)
        return _read(response, budget, max_body)
    raise UserError("http.rate_limited", seconds=60)  # unreachable: the loop returns or raises


def _follow(
    session: requests.Session,
    budget: Budget,
    method: str,
    url: str,
    headers: dict[str, str] | None,
    data: bytes | None,
) -> requests.Response:
    """Send, following same-origin redirects by hand (requests would follow any, to any host and scheme)."""
    for _ in range(MAX_REDIRECTS + 1):
        response = _send(session, budget, method, url, headers=headers, data=data)
        location = response.headers.get("Location")
        if response.status_code not in _REDIRECTS or not location:
            return response
        response.close()
        target = urljoin(url, location)
        # A redirect may not change what is sent where: no other origin, no POST body sent on, no https → http.
        if method != "GET" or _origin(target) != _origin(url):
            raise UserError("http.redirect_refused")
        url = target
    raise UserError("http.redirect_refused")


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:
        port = -1
    return scheme, (parts.hostname or "").lower(), port


def _send(
    session: requests.Session,
    budget: Budget,
    method: str,
    url: str,
    *,
    headers: dict[str, str] | None,
    data: bytes | None,
) -> requests.Response:
    if budget.check() is not None:
        _raise_spent(budget)
    remaining = max(budget.remaining(), 0.05)
    timeout = (min(CONNECT_TIMEOUT, remaining), min(READ_TIMEOUT, remaining))
    try:
        return session.request(
            method, url, headers=headers, data=data, timeout=timeout, stream=True, allow_redirects=False
        )
    except BudgetSpent:
        _raise_spent(budget)
    except requests.exceptions.RequestException as exc:
        _raise_if_spent(budget)  # a socket the watchdog shut: say "too long" or "cancelled", not "unreachable"
        raise UserError(_failure_key(exc)) from exc
    raise AssertionError("unreachable")  # for type checkers: every branch above returns or raises


def _failure_key(exc: requests.exceptions.RequestException) -> str:
    """The message for a request that failed before an answer came (checked from the most specific kind)."""
    if isinstance(exc, requests.exceptions.SSLError):
        return "http.tls_failed"
    if isinstance(exc, requests.exceptions.Timeout):
        return "http.timeout"
    if isinstance(exc, requests.exceptions.ConnectionError):
        # After its retries, urllib3 reports a read timeout as a connection error; tell the two apart for people.
        return "http.timeout" if "timed out" in repr(exc.args).lower() else "http.unreachable"
    return "http.failed"


def _read(response: requests.Response, budget: Budget, max_body: int) -> Fetched:
    """The body, decoded and capped while it streams in (never more than `max_body` bytes after decoding)."""
    with response:
        if response.status_code >= 400:
            raise UserError("http.status", status=response.status_code)
        encoding = response.headers.get("Content-Encoding", "").strip().lower()
        if encoding not in _ENCODINGS:
            raise UserError("http.bad_encoding")  # brotli, zstd, or layers of encodings: not asked for
        declared = response.headers.get("Content-Length")
        if declared is not None and declared.isdigit() and int(declared) > max_body:
            raise UserError("http.too_large")
        inflater = BoundedInflater(max_body) if _ENCODINGS[encoding] else None
        chunks: list[bytes] = []
        total = 0
        try:
            for chunk in response.raw.stream(_READ_PIECE, decode_content=False):
                total += len(chunk)
                if total > max_body:
                    raise UserError("http.too_large")
                if inflater is not None:
                    inflater.feed(chunk)
                else:
                    chunks.append(chunk)
                if budget.check() is not None:
                    _raise_spent(budget)
        except BudgetSpent:
            _raise_spent(budget)
        except UserError:
            raise
        except Exception as exc:  # urllib3's and the socket's errors when the stream breaks or is shut down
            _raise_if_spent(budget)
            raise UserError("http.timeout" if "timed out" in str(exc).lower() else "http.failed") from exc
        body = inflater.finish() if inflater is not None else b"".join(chunks)
        return Fetched(response.status_code, body, response.headers.get("Content-Type", ""))


def _raise_if_spent(budget: Budget) -> None:
    if budget.check() is not None:
        _raise_spent(budget)


def _raise_spent(budget: Budget) -> None:
    if budget.check() == "cancelled":
        raise Cancelled()
    raise UserError("http.deadline")


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
