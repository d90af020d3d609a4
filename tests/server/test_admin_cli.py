"""The operator tool never prints a traceback or an exception's text: either could quote a row of breach data."""

from __future__ import annotations

import pytest

from exposurecheck_server import cli


def test_an_unexpected_error_prints_its_type_only(monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    def explode(_args) -> int:  # type: ignore[no-untyped-def]
        raise ValueError("row 17: +8613800138000, someone@example.com")

    parser = cli.build_parser()
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    args = parser.parse_args(["keygen", "--out", "unused"])
    monkeypatch.setattr(parser, "parse_args", lambda _argv=None: args)
    args.func = explode
    assert cli.main([]) == 70
    err = capsys.readouterr().err
    assert "ValueError" in err
    assert "8613800138000" not in err
    assert "someone@example.com" not in err
    assert "Traceback" not in err
