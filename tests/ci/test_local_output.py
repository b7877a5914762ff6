"""What `make local` prints: a status line and the elapsed time per step, and no colour codes off a terminal."""

from __future__ import annotations

import io
import re
import sys

import pytest
from rich.console import Console

from platformctl import localenv, tfrun


def console(terminal: bool) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=terminal, width=100, color_system=None if not terminal else "standard"), out


def test_a_step_in_a_log_has_a_heading_and_its_time() -> None:
    con, out = console(terminal=False)
    with localenv.step(con, "emulator plan (what moto can run)"):
        print("envs/local: Plan: 3 to add", file=sys.stderr)
    text = out.getvalue()
    assert "emulator plan (what moto can run)" in text.splitlines()[0]
    assert re.search(r"^done emulator plan \(what moto can run\) in \d+\.\d s$", text, re.M)
    assert "\x1b[" not in text


def test_a_step_on_a_terminal_shows_a_live_line_and_ends_with_its_time() -> None:
    con, out = console(terminal=True)
    with localenv.step(con, "terraform init"):
        pass
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.getvalue())
    assert re.search(r"done terraform init in \d+\.\d s", text)


@pytest.mark.parametrize("terminal", [True, False])
def test_a_failed_step_says_so_and_re_raises(terminal: bool) -> None:
    con, out = console(terminal)
    with pytest.raises(RuntimeError, match="boom"), localenv.step(con, "apply", live=terminal):
        raise RuntimeError("boom")
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.getvalue())
    assert re.search(r"FAILED apply after \d+\.\d s", text) and "done apply" not in text


def test_terraform_gets_no_color_unless_it_writes_to_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(tfrun.sys.stdout, "isatty", lambda: False, raising=False)
    assert tfrun.no_color_args(["apply", "-auto-approve", "p"]) == ["apply", "-no-color", "-auto-approve", "p"]
    assert tfrun.no_color_args(["plan", "-no-color", "-out", "p"]) == ["plan", "-no-color", "-out", "p"]
    assert tfrun.no_color_args(["fmt", "-check"]) == ["fmt", "-check"]  # fmt takes no -no-color
    monkeypatch.setattr(tfrun.sys.stdout, "isatty", lambda: True, raising=False)
    assert tfrun.no_color_args(["apply", "p"]) == ["apply", "p"]
    assert tfrun.no_color_args(["show", "-json", "p"], to_terminal=False) == ["show", "-no-color", "-json", "p"]
    monkeypatch.setenv("NO_COLOR", "1")
    assert tfrun.no_color_args(["destroy"]) == ["destroy", "-no-color"]
