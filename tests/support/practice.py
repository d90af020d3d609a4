"""Practice paths through training mode, run without the window: a demo person who is not in the demo breach, one
detail of one who is, every detail of that person, and a source that cannot be reached next to the demo pack.

Each runs on this computer only: the demo pack is a local file, and the unreachable source is Pwned Passwords
pointed at a closed port on 127.0.0.1, so no identifier, real or made up, leaves the machine. The paths' titles and
trainer's notes are the `helpdesk.training.<path>.*` strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import tr
from exposurecheck.core.identifiers import Identifier, IdentifierType, normalize
from exposurecheck.core.report import Report
from exposurecheck.core.training import DemoIdentity, load_identities

DEMO_SOURCE = "demo"
# Port 9 ("discard") on loopback: nothing listens there, so the connection is refused at once, without a network.
UNREACHABLE_SOURCE = "hibp-passwords=http://127.0.0.1:9"
# Made up for practice; it is only ever sent (as a 5-character hash prefix) to the unreachable loopback address.
PRACTICE_PASSWORD = "practice-only-7f3k"
PATH_IDS = ("nothing_found", "one_leak", "many_leaks", "source_unreachable")


@dataclass(frozen=True)
class PracticePath:
    """One thing staff can practise: which demo details to enter, which sources to use, what they should see."""

    id: str
    values: tuple[tuple[IdentifierType, str], ...]
    source_specs: tuple[str, ...]
    password: str | None = None

    def title(self, lang: str) -> str:
        return tr(f"helpdesk.training.{self.id}.title", lang)

    def description(self, lang: str) -> str:
        """What to enter and what the person will see, in plain words, for the trainer's notes."""
        return tr(f"helpdesk.training.{self.id}.description", lang)

    def identifiers(self) -> list[Identifier]:
        found = [normalize(kind, raw) for kind, raw in self.values]
        if self.password is not None:
            found.append(normalize(IdentifierType.PASSWORD, self.password))
        return found




def practice_paths(identities: Sequence[DemoIdentity] | None = None) -> tuple[PracticePath, ...]:
    """The four practice paths, built from the demo identities (in PATH_IDS order)."""
    people = tuple(identities) if identities is not None else load_identities()
    found = next((p for p in people if p.expect == "found"), None)
    missing = next((p for p in people if p.expect == "not_found"), None)
    if found is None or missing is None:
        raise UserError("helpdesk.training.invalid")
    email = found.value(IdentifierType.EMAIL)
    one = ((IdentifierType.EMAIL, email),) if email else found.values[:1]
    return (
        PracticePath("nothing_found", missing.values, (DEMO_SOURCE,)),
        PracticePath("one_leak", one, (DEMO_SOURCE,)),
        PracticePath("many_leaks", found.values, (DEMO_SOURCE,)),
        PracticePath(
            "source_unreachable", missing.values[:1], (DEMO_SOURCE, UNREACHABLE_SOURCE), password=PRACTICE_PASSWORD
        ),
    )


def run_practice(path: PracticePath) -> Report:
    """Run a practice path's check from start to end (what the GUI does, without the GUI)."""
    from exposurecheck.core.check import check
    from exposurecheck.core.sources.registry import build_source

    return check(path.identifiers(), [build_source(spec) for spec in path.source_specs])
