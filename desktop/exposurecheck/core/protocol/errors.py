"""The one error type of the protocol layer: a UserError whose key says, in plain words, what was wrong."""

from __future__ import annotations

from exposurecheck.core.errors import UserError


class ProtocolError(UserError):
    """Data from a lookup service that failed a format, signature, proof or freshness check.

    Keys are `service.error.*`. Parameters never carry identifiers, outputs, prefixes or tags.
    """
