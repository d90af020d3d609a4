"""GUI fixtures: a real window offscreen with its own thread pool, a loopback Pwned Passwords server, and honest
in-test sources (an offline one and a deliberately slow one)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator, Sequence

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication

from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import Identifier, IdentifierType, mask
from exposurecheck.core.report import Exposure, SentRecord, SourceResult
from exposurecheck.core.sources.base import CancelToken, ProgressCallback, Source
from exposurecheck.core.sources.pwned_passwords import PwnedPasswordsSource
from exposurecheck.gui.main_window import MainWindow
from tests.support.loopback import Loopback, Reply, loopback_server

PASSWORD = "correct horse battery staple canary"
PHONE_RAW = "138 0013 8000"
PHONE_CANONICAL = "+8613800138000"


class ListSource(Source):
    """An offline source over an in-memory set of canonical values: what an offline pack does, minus the file."""

    name = "pack"
    accepts = frozenset({IdentifierType.PHONE, IdentifierType.EMAIL, IdentifierType.CN_ID, IdentifierType.USERNAME})
    uses_network = False

    def __init__(self, known: dict[str, tuple[str, ...]]) -> None:
        self.known = known

    def lookup(self, identifiers: Sequence[Identifier], progress: ProgressCallback, cancel: CancelToken
               ) -> SourceResult:
        found = tuple(Exposure(i.type, mask(i), self.name, self.known[i.canonical]) for i in identifiers
                      if i.canonical in self.known)
        return SourceResult(found, SentRecord(self.name, ()))


class SlowSource(Source):
    """Answers only when the test releases it, polling cancel meanwhile, as a source on a slow network would."""

    name = "slow"
    accepts = frozenset(IdentifierType)
    uses_network = False

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = threading.Event()
        self.saw_cancel = threading.Event()

    def lookup(self, identifiers: Sequence[Identifier], progress: ProgressCallback, cancel: CancelToken
               ) -> SourceResult:
        self.started.set()
        progress(self.name, 0.5)
        while not self.release.wait(0.01):
            if cancel.is_cancelled():
                self.saw_cancel.set()
                cancel.raise_if_cancelled()
        return SourceResult((), SentRecord(self.name, ()))


class BrokenFactoryError(UserError):
    pass


def range_body(password: str, count: int) -> bytes:
    digest = hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()
    lines = [f"{digest[5:]}:{count}", "0" * 35 + ":0"]  # one real row and one padding row
    lines += [f"{i:035X}:{i + 3}" for i in range(1, 50)]
    return "\r\n".join(lines).encode()


@pytest.fixture
def pwned() -> Iterator[Loopback]:
    with loopback_server() as server:
        server.set("/range/", Reply(200, range_body(PASSWORD, 4321), {"Content-Type": "text/plain"}))
        yield server


@pytest.fixture
def pool() -> Iterator[QThreadPool]:
    pool = QThreadPool()
    yield pool
    pool.waitForDone(10_000)


WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def make_window(qtbot, pool: QThreadPool) -> Iterator[WindowFactory]:  # type: ignore[no-untyped-def]
    made: list[MainWindow] = []

    def make(sources: Callable[[bool], Sequence[Source | UserError]] | None = None, lang: str = "en") -> MainWindow:
        factory = sources or (lambda _training: [])
        window = MainWindow(lang, pool, factory)
        qtbot.addWidget(window)
        window.resize(1024, 768)
        window.show()
        qtbot.waitExposed(window)
        made.append(window)
        return window

    yield make
    for window in made:
        window.cancel_check(show_details=False)
    pool.waitForDone(10_000)
    QApplication.processEvents()


def pwned_factory(server: Loopback) -> Callable[[bool], list[Source]]:
    return lambda _training: [PwnedPasswordsSource(server.url)]


def all_texts(window: MainWindow) -> str:
    """Every text the window shows or could show (labels, buttons, list items, window title)."""
    from PySide6.QtWidgets import QAbstractButton, QLabel, QListWidget

    parts = [window.windowTitle()]
    for label in window.findChildren(QLabel):
        parts.append(label.text())
        parts.append(label.accessibleName())
    for widget in window.findChildren(QAbstractButton):
        parts.append(widget.text())
    for box in window.findChildren(QListWidget):
        parts += [box.item(i).text() for i in range(box.count())]
    return "\n".join(parts)


def type_password_and_ask(qtbot, window: MainWindow, password: str) -> None:  # type: ignore[no-untyped-def]
    """What a person does before an online check: type a password on the details page and press Check, which
    asks first (the consent page is on screen when this returns; the caller agrees, or looks at it first)."""
    window.show_page(window.details)
    window.details.fields[IdentifierType.PASSWORD].edit.setText(password)
    window.details.check_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.consent, timeout=5_000)
