"""The identifier value type and its encoding.

`encode()` is the single `type || canonical bytes` form fed to every hash, keyed hash and OPRF in the project:
the app, the pack builder and the service builder all call it, so a canonical form can never drift between them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from exposurecheck.core.errors import UserError


class IdentifierType(enum.Enum):
    """What kind of identifier a value is. The byte value is part of the wire and pack formats: never renumber."""

    PHONE = "phone"
    EMAIL = "email"
    CN_ID = "cn_id"
    USERNAME = "username"
    PASSWORD = "password"  # noqa: S105 -- the name of a type, not a secret

    @property
    def code(self) -> int:
        return _TYPE_CODES[self]

    @classmethod
    def from_code(cls, code: int) -> IdentifierType:
        for kind, value in _TYPE_CODES.items():
            if value == code:
                return kind
        raise ValueError(f"unknown identifier type code {code}")

    @classmethod
    def parse(cls, text: str) -> IdentifierType:
        """Accept `cn-id` as well as `cn_id` (the CLI spells options with dashes)."""
        return cls(text.strip().lower().replace("-", "_"))


_TYPE_CODES = {
    IdentifierType.PHONE: 0x01,
    IdentifierType.EMAIL: 0x02,
    IdentifierType.CN_ID: 0x03,
    IdentifierType.USERNAME: 0x04,
    IdentifierType.PASSWORD: 0x05,
}


@dataclass(frozen=True)
class Identifier:
    """A normalized identifier. Its repr never shows the value, so it cannot leak into a log or traceback."""

    type: IdentifierType
    canonical: str = field(repr=False)

    def __repr__(self) -> str:
        return f"Identifier(type={self.type.value}, canonical=<hidden>)"

    __str__ = __repr__


def encode(identifier: Identifier) -> bytes:
    """`type byte || canonical UTF-8`: the input to every hash and OPRF in the project."""
    return bytes([identifier.type.code]) + identifier.canonical.encode("utf-8")


class InvalidIdentifier(UserError):
    """A value that is not a valid identifier of its type; `key` says why in plain words, in both languages."""

    def __init__(self, kind: IdentifierType, key: str, **params: object) -> None:
        super().__init__(key, **params)
        self.kind = kind
