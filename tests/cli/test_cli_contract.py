"""docs/CLI.md, the command-line contract kept in the repository, tells the truth: every command
it calls available exists with each of its flags (asked of the real argparse parser), and none
it calls "not yet" is quietly there already."""
from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from app.cli import build_parser

CLI_MD = Path(__file__).resolve().parents[2] / "docs" / "CLI.md"
STATUSES = ("available", "not yet")


def _rows() -> list[tuple[str, str]]:
    """(command form, status) for each form in the tables' first column."""
    rows = []
    for line in CLI_MD.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if len(cells) == 3 and cells[2] in STATUSES:
            for form in re.findall(r"`([^`]+)`", cells[0]):
                rows.append((form.replace("\\|", "|"), cells[2]))
    return rows


ROWS = _rows()


def _path_and_flags(form: str) -> tuple[tuple[str, ...], list[str]]:
    words = re.sub(r"[\[\]()|]", " ", form).split()
    assert words[0] == "qingshou", form
    path = []
    for w in words[1:]:
        if not re.fullmatch(r"[a-z][a-z-]*", w):
            break
        path.append(w)
    return tuple(path), [w for w in words if w.startswith("--")]


def _subparser(path: tuple[str, ...]) -> argparse.ArgumentParser | None:
    parser = build_parser()
    for word in path:
        group = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
        if group is None or word not in group.choices:
            return None
        parser = group.choices[word]
    return parser


def _options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {s: a for a in parser._actions for s in a.option_strings}


def test_the_tables_were_read():
    available = [f for f, s in ROWS if s == "available"]
    # every command of the shared contract is a row, each marked one way or the other
    assert len(ROWS) >= 40 and len(available) >= 20
    assert {s for _, s in ROWS} <= {"available", "not yet"}
    assert any(f.startswith("qingshou agreement pdf") for f in available)


@pytest.mark.parametrize("form", [f for f, s in ROWS if s == "available"])
def test_an_available_command_exists_with_its_flags(form):
    path, flags = _path_and_flags(form)
    parser = _subparser(path)
    assert parser is not None, f"docs/CLI.md calls `{form}` available, but there is no `{' '.join(path)}`"
    options = _options(parser)
    missing = [f for f in flags if f not in options]
    assert not missing, f"`{' '.join(path)}` has no {missing} (docs/CLI.md: `{form}`)"
    for flag, values in re.findall(r"(--[a-z-]+) ([a-z_]+(?:\|[a-z_]+)+)", form):
        choices = options[flag].choices
        if choices is not None:
            assert set(values.split("|")) <= set(choices), (form, flag, choices)


def _there_already(forms) -> list[str]:
    """The forms whose command the parser has, with every one of their flags."""
    there = []
    for form in forms:
        path, flags = _path_and_flags(form)
        parser = _subparser(path)
        if parser is not None and all(f in _options(parser) for f in flags):
            there.append(form)
    return there


def test_no_command_called_not_yet_is_there_already():
    """A form docs/CLI.md calls "not yet" that the parser has, with its flags, is there already:
    the table should call it available.  (Today every form is available; this holds the next
    one marked "not yet".)"""
    assert _there_already(f for f, s in ROWS if s == "not yet") == []


def test_the_check_would_see_a_command_that_is_there():
    assert _there_already(["qingshou summary [--as-of 日期] [--json]", "qingshou summary --no-such-flag",
                           "qingshou no-such-command"]) == ["qingshou summary [--as-of 日期] [--json]"]


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path the parser has (``("agreement", "pdf")``, ``("summary",)`` …)."""
    group = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
    if group is None:
        return [path] if path else []
    # a command with commands under it is one itself when it works on a database (``repay`` …;
    # ``followup`` alone prints its usage)
    found = [path] if path and "--db" in _options(parser) else []
    for word, sub in group.choices.items():
        found += _commands(sub, (*path, word))
    return found


def test_every_command_the_parser_has_is_in_the_contract():
    """The other way round: a command built without its row in docs/CLI.md is a contract nobody
    can rely on (``followup`` and ``operator`` were, for a while)."""
    documented = {_path_and_flags(form)[0] for form, status in ROWS if status == "available"}
    commands = _commands(build_parser())
    assert ("agreement", "pdf") in commands and ("summary",) in commands and ("followup", "check") in commands
    assert [" ".join(c) for c in commands if c not in documented] == []
