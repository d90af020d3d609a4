"""Qt only in the GUI package: the core, the CLI and the operator tools must import without it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, cli_env

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
