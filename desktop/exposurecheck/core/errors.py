"""Errors that reach a person: a stable code plus a translated message, never a traceback or an identifier."""

from __future__ import annotations

from exposurecheck.core.i18n import tr


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
        return tr(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.message("en")
