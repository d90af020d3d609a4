"""Errors that reach a person: a stable code plus a translated message, never a traceback or an identifier."""

from __future__ import annotations

from collections.abc import Callable

from exposurecheck.core.i18n import tr


class Phrase:
    """A part of a message that is itself translated (a list of reasons, say): rendered in the language the
    message is shown in, so a Chinese error never carries English words built before the language was known."""

    def __init__(self, render: Callable[[str], str]) -> None:
        self.render = render

    def __str__(self) -> str:
        return self.render("en")


class Cancelled(Exception):
    """The person pressed cancel; not an error. Raised by sources between calls and by the HTTP client when the
    check's budget says so (it lives here, below both, so the transport never reaches up into the sources)."""


class UserError(Exception):
    """An error with a message for people.

    `key` names a message in the i18n catalogs; `params` fill its placeholders. Params must never carry an
    identifier, a hash or a prefix of one: the message may be printed, logged or shown in a dialog.
    """

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    @property
    def code(self) -> str:
        return self.key

    def message(self, lang: str = "en") -> str:
        params = {
            name: value.render(lang) if isinstance(value, Phrase) else value for name, value in self.params.items()
        }
        return tr(self.key, lang, **params)

    def __str__(self) -> str:
        return self.message("en")
