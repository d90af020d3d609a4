"""The layers, checked: Qt only in the GUI package (the core, the CLI and the operator tools import without it),
no import circle anywhere (between modules, nor between the core's rooms), and who may import whom (the core
neither the GUI nor the CLI, the operator tools not the GUI, the CLI the GUI only to open the window or print a
case sheet)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, cli_env
from tests.support.import_graph import circles, import_graph, imports_from, module_files, rooms

QT_FREE = [REPO / "desktop" / "exposurecheck" / "core", REPO / "server" / "exposurecheck_server"]


def _qt_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        found += [n for n in names if n.split(".")[0] in {"PySide6", "PyQt5", "PyQt6", "shiboken6"}]
    return found


def test_no_qt_import_outside_the_gui_package() -> None:
    offenders = {}
    for folder in QT_FREE:
        for path in folder.rglob("*.py"):
            if _qt_imports(path):
                offenders[str(path.relative_to(REPO))] = _qt_imports(path)
    assert offenders == {}


def test_importing_the_core_and_cli_does_not_load_qt() -> None:
    code = (
        "import sys, pkgutil, importlib\n"
        "import exposurecheck.core as core\n"
        "for m in pkgutil.walk_packages(core.__path__, 'exposurecheck.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "import exposurecheck.cli.main as main\n"
        "main.build_parser()\n"
        "print(sorted(n for n in sys.modules if n.startswith('PySide6')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=cli_env(), check=True)
    assert out.stdout.strip() == "[]"


def test_every_command_module_listed_exists() -> None:
    import importlib

    from exposurecheck.cli import main as user_cli
    from exposurecheck_server import cli as admin_cli

    for name in (*user_cli.COMMAND_MODULES, *admin_cli.COMMAND_MODULES):
        assert hasattr(importlib.import_module(name), "register"), name


def _graph() -> dict[str, frozenset[str]]:
    modules = module_files(REPO / "desktop" / "exposurecheck", "exposurecheck")
    modules |= module_files(REPO / "server" / "exposurecheck_server", "exposurecheck_server")
    return import_graph(modules)


def test_the_import_graph_reads_the_real_tree() -> None:
    graph = _graph()
    # A few imports every version of the app has: if these are missing the reader is broken, not the house.
    assert "exposurecheck.gui.pages.welcome" in graph["exposurecheck.gui.main_window"]
    assert "exposurecheck.core.errors" in graph["exposurecheck_server.cli"]
    assert len(graph) > 150


def test_no_import_circle_in_the_gui() -> None:
    graph = _graph()
    gui = {m: frozenset(t for t in targets if t.startswith("exposurecheck.gui")) for m, targets in graph.items()
           if m.startswith("exposurecheck.gui")}
    assert circles(gui) == []


def test_no_import_circle_anywhere() -> None:
    assert circles(_graph()) == []


def test_the_circle_check_finds_a_circle() -> None:
    # The shape the window once had: main_window imported its helpers, which imported main_window for its type.
    graph = {"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"}), "d": frozenset({"a"})}
    assert circles(graph) == [["a", "b", "c"]]
    assert circles({"a": frozenset({"b"}), "b": frozenset()}) == []


def test_no_circle_between_the_cores_rooms() -> None:
    # A level up from modules: the core's packages and flat modules (sources, packs, trust, http, ...) import each
    # other one way only, so each can be read without the ones above it (the HTTP client once reached up into
    # sources for its Cancelled, and trust into packs for the removable drives).
    graph = rooms(_graph(), "exposurecheck.core")
    assert {"exposurecheck.core.sources", "exposurecheck.core.http", "exposurecheck.core.trust"} <= set(graph)
    assert circles(graph) == []


def test_rooms_collapse_modules_to_their_room() -> None:
    graph = {"p.a.x": frozenset({"p.b.y"}), "p.b.y": frozenset({"p.a.z", "q.r"}), "p.a.z": frozenset({"p.a.x"})}
    assert rooms(graph, "p") == {"p.a": frozenset({"p.b"}), "p.b": frozenset({"p.a"})}
    assert circles(rooms(graph, "p")) == [["p.a", "p.b"]]


def test_the_core_imports_neither_the_gui_nor_the_cli() -> None:
    graph = _graph()
    assert imports_from(graph, "exposurecheck.core", "exposurecheck.gui") == {}
    assert imports_from(graph, "exposurecheck.core", "exposurecheck.cli") == {}
    assert imports_from(graph, "exposurecheck.core", "exposurecheck_server") == {}


def test_the_operator_tools_import_no_gui() -> None:
    graph = _graph()
    assert imports_from(graph, "exposurecheck_server", "exposurecheck.gui") == {}
    assert imports_from(graph, "exposurecheck_server", "exposurecheck.cli") == {}


def test_the_cli_reaches_the_gui_only_to_open_the_window_or_print_a_case_sheet() -> None:
    allowed = {
        "exposurecheck.cli.gui_cmd": {"exposurecheck.gui.app", "exposurecheck.gui.screenshots",
                                      "exposurecheck.gui.self_test"},
        "exposurecheck.cli.helpdesk_options": {"exposurecheck.gui.case_sheet"},
    }
    reached = imports_from(_graph(), "exposurecheck.cli", "exposurecheck.gui")
    assert {m: set(t) - allowed.get(m, set()) for m, t in reached.items() if set(t) - allowed.get(m, set())} == {}


def test_the_cli_runs_a_check_and_the_questionnaire_without_qt(tmp_path: Path) -> None:
    # The import graph says where the CLI may reach the GUI; this runs it. A PySide6 that refuses to import sits
    # first on the path: `check` and `presumed` still work (only --case-sheet and `gui` may need Qt), and the
    # case sheet really does reach for Qt, so the poisoned package is the one Python would load.
    poisoned = tmp_path / "PySide6"
    poisoned.mkdir()
    (poisoned / "__init__.py").write_text("raise ImportError('Qt was imported')\n", encoding="utf-8")
    env = cli_env({"PYTHONPATH": os.pathsep.join([str(tmp_path), cli_env()["PYTHONPATH"]]), "HOME": str(tmp_path)})

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "exposurecheck", *args], capture_output=True, text=True,
                              env=env, timeout=120, check=False)

    checked = run("check", "--phone", "13800138000", "--source", "demo", "--json")
    assert checked.returncode == 0, checked.stderr
    assert run("presumed", "--answer", "shanghai_before_2022=yes", "--json").returncode == 0
    sheet = run("check", "--phone", "13800138000", "--source", "demo", "--case-sheet", str(tmp_path / "sheet.pdf"))
    assert sheet.returncode != 0 and "ImportError" in sheet.stderr  # the app's crash line names the error's type
