"""Identifiers a person can check, their canonical forms, and the one byte encoding every source uses."""

from exposurecheck.core.identifiers.masking import mask
from exposurecheck.core.identifiers.model import (
    Identifier,
    IdentifierType,
    InvalidIdentifier,
    encode,
)
from exposurecheck.core.identifiers.normalize import normalize

__all__ = ["Identifier", "IdentifierType", "InvalidIdentifier", "encode", "mask", "normalize"]
