"""Practice paths through training mode, run without the window: a demo person who is not in the demo breach, one
detail of one who is, every detail of that person, and a source that cannot be reached next to the demo pack.

Each runs on this computer only: the demo pack is a local file, and the unreachable source is Pwned Passwords
pointed at a closed port on 127.0.0.1, so no identifier, real or made up, leaves the machine. The paths' titles and
trainer's notes are in `NOTES`, in both languages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import normalize_lang
from exposurecheck.core.identifiers import Identifier, IdentifierType, normalize
from exposurecheck.core.report import Report
from exposurecheck.core.training import DemoIdentity, load_identities

DEMO_SOURCE = "demo"
# Port 9 ("discard") on loopback: nothing listens there, so the connection is refused at once, without a network.
UNREACHABLE_SOURCE = "hibp-passwords=http://127.0.0.1:9"
# Made up for practice; it is only ever sent (as a 5-character hash prefix) to the unreachable loopback address.
PRACTICE_PASSWORD = "practice-only-7f3k"
PATH_IDS = ("nothing_found", "one_leak", "many_leaks", "source_unreachable")
# The paths' titles and trainer's notes, (title, notes) by language. No screen shows them (docs/helpdesk.md,
# "Training mode", describes the paths for staff), so they live with the paths, not in the app's message catalogs.
NOTES: dict[str, dict[str, tuple[str, str]]] = {
    "nothing_found": {
        "en": (
            "Practice: nothing found",
            "Enter the details of a demo person who is not in the demo breach. The result says nothing was "
            "found; practise explaining that this is good news but not a guarantee, and go through the everyday "
            "basics.",
        ),
        "zh_CN": (
            "练习：什么都没查到",
            "输入一位不在演示泄露中的演示人物的信息。结果会显示没有查到；练习向对方解释：这是好消息，但不等于绝对"
            "安全，然后一起过一遍日常基本防护。",
        ),
    },
    "one_leak": {
        "en": (
            "Practice: one leak",
            "Enter only the email address of a demo person who is in the demo breach. One result is found; "
            "practise opening the plan in guided mode and making a case sheet.",
        ),
        "zh_CN": (
            "练习：查到一处泄露",
            "只输入一位在演示泄露中的演示人物的邮箱。会查到一条结果；练习用引导模式打开行动计划，并制作个案记录单"
            "。",
        ),
    },
    "many_leaks": {
        "en": (
            "Practice: many leaks",
            "Enter every detail of a demo person who is in the demo breach (phone, email and ID number). Several "
            "results are found; practise prioritising: what to do right now, today and this week.",
        ),
        "zh_CN": (
            "练习：查到多处泄露",
            "输入一位在演示泄露中的演示人物的全部信息（手机号、邮箱和身份证号）。会查到多条结果；练习分清轻重缓急"
            "：哪些现在就做，哪些今天做，哪些本周内做。",
        ),
    },
    "source_unreachable": {
        "en": (
            "Practice: a source cannot be reached",
            "Check a demo detail and the practice password while the password service cannot be reached (it "
            "points at a closed address on this computer; nothing is sent anywhere). The offline demo pack still "
            "answers; practise explaining what was and was not checked.",
        ),
        "zh_CN": (
            "练习：有数据来源无法连接",
            "在密码查询服务无法连接的情况下，查询一条演示信息和练习用密码（该服务指向本机上一个关闭的地址，不会向"
            "任何地方发送数据）。离线演示数据包仍然可以查询；练习向对方说明哪些查过了、哪些没查成。",
        ),
    },
}


@dataclass(frozen=True)
class PracticePath:
    """One thing staff can practise: which demo details to enter, which sources to use, what they should see."""

    id: str
    values: tuple[tuple[IdentifierType, str], ...]
    source_specs: tuple[str, ...]
    password: str | None = None

    def title(self, lang: str) -> str:
        return NOTES[self.id][normalize_lang(lang)][0]

    def description(self, lang: str) -> str:
        """What to enter and what the person will see, in plain words, for the trainer's notes."""
        return NOTES[self.id][normalize_lang(lang)][1]

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
