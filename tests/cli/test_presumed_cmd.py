"""`exposure-check presumed`, run as a real subprocess (and once on a real pseudo-terminal)."""

from __future__ import annotations

import argparse
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "desktop"), str(ROOT / "server")])
    env["LANG"] = "C.UTF-8"
    env.pop("LC_ALL", None)
    env.pop("LC_MESSAGES", None)
    return env


def _run(*args: str, stdin: int | None = subprocess.DEVNULL) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exposurecheck", "presumed", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=_env(),
        stdin=stdin,
        check=False,
        cwd=ROOT,
    )


def test_answers_as_options_json() -> None:
    result = _run("--answer", "courier_parcels=yes", "--answer", "police_record=no", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["estimate"] is True
    assert data["answers"]["courier_parcels"] is True
    assert data["answers"]["police_record"] is False
    assert "cn_express_delivery_records" in data["presumed_classes"]
    assert data["breaches"] == ["shanghai_police_2022"]
    codes = [row["code"] for row in data["advice"]]
    assert "S-01" in codes
    for row in data["advice"]:
        assert {"id", "code", "severity", "when", "title", "steps", "review"} <= set(row)
    assert "estimate" in data["summary"]


def test_text_output_in_chinese() -> None:
    result = _run("--answer", "shanghai_before_2022=yes", "--lang", "zh_CN")
    assert result.returncode == 0, result.stderr
    assert "这只是估计" in result.stdout
    assert "[P-01] 给SIM卡设置PIN码" in result.stdout
    assert "== 今天 ==" in result.stdout


def test_no_terminal_and_no_answers_is_a_usage_error() -> None:
    result = _run()
    assert result.returncode == 2
    assert "--answer" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("no_such_question=yes", "no_such_question"),
        ("courier_parcels=maybe", "yes or no"),
        ("courier_parcels", "ID=yes"),
    ],
)
def test_bad_answers_are_clear_errors(answer: str, message: str) -> None:
    result = _run("--answer", answer)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_identifier_typed_as_answer_id_never_reaches_stderr() -> None:
    result = _run("--answer", "13800138000=yes")
    assert result.returncode == 2
    assert "13800138000" not in result.stderr + result.stdout
    assert "--list" in result.stderr


def test_list_shows_question_ids() -> None:
    result = _run("--list")
    assert result.returncode == 0
    assert "courier_parcels:" in result.stdout


def test_interactive_questionnaire_on_a_terminal() -> None:
    from exposurecheck.core.presumed import load_questions

    count = len(load_questions())
    master, slave = pty.openpty()
    # Typed ahead: the terminal keeps the lines until the program reads them; one bad answer is asked again.
    answers = ["maybe", "y"] + ["n"] * (count - 1)
    os.write(master, ("\n".join(answers) + "\n").encode())
    process = subprocess.Popen(
        [sys.executable, "-m", "exposurecheck", "presumed", "--lang", "en"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=_env(),
        cwd=ROOT,
    )
    os.close(slave)
    output = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO once the child has exited and closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(master)
    assert process.wait() == 0
    text = output.decode("utf-8", "replace")
    assert "Please answer y (yes) or n (no)." in text
    assert "[y/n]" in text
    assert "This is an estimate, not a check." in text
    assert "[P-01]" in text  # the first question (Shanghai) was answered yes


def test_register_adds_the_command() -> None:
    from exposurecheck.cli import presumed_cmd

    parser = argparse.ArgumentParser()
    presumed_cmd.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["presumed", "--answer", "courier_parcels=yes", "--json"])
    assert args.func is presumed_cmd.run
    assert args.answer == ["courier_parcels=yes"]
