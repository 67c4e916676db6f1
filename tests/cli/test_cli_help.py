"""``--help`` lines up in a terminal although it is in Chinese (a Chinese character takes two
columns), breaks no English word, and a command group alone lists its own commands (issue 5)."""
from __future__ import annotations

import argparse
import re

import pytest

from app.cli import build_parser
from app.cli.helpformat import columns, wrap

WIDTH = 80


def _parsers(parser: argparse.ArgumentParser, path=()):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, (*path, name))


def _help(parser: argparse.ArgumentParser, monkeypatch) -> str:
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    return parser.format_help()


ALL = [path for path, _ in _parsers(build_parser())]


def _parser(path):
    return dict(_parsers(build_parser()))[path]


def test_columns_counts_a_chinese_character_as_two():
    assert columns("--db 文件") == 9 and columns("abc") == 3 and columns("（，）") == 6


@pytest.mark.parametrize("path", ALL, ids=lambda p: " ".join(p) or "qingshou")
def test_no_line_runs_past_the_terminal(path, monkeypatch):
    for line in _help(_parser(path), monkeypatch).splitlines():
        assert columns(line) <= WIDTH, line


@pytest.mark.parametrize("path", ALL, ids=lambda p: " ".join(p) or "qingshou")
def test_the_help_texts_of_a_section_start_in_one_column(path, monkeypatch):
    text = _help(_parser(path), monkeypatch)
    for section in text.split("\n\n"):
        starts = set()
        for line in section.splitlines():
            m = re.match(r"^(  +(?:-\S+(?:, -\S+)?(?: \S+)?|\S+))  +(\S.*)$", line)
            if m:
                starts.add(columns(line[:m.start(2)]))
        assert len(starts) <= 1, f"help texts start in columns {sorted(starts)}:\n{section}"


@pytest.mark.parametrize("path", ALL, ids=lambda p: " ".join(p) or "qingshou")
def test_usage_continues_under_its_first_option(path, monkeypatch):
    lines = _help(_parser(path), monkeypatch).split("\n\n")[0].splitlines()
    if len(lines) > 1 and lines[0].startswith("用法：") and " [-h]" in lines[0]:
        first = columns(lines[0][:lines[0].index(" [-h]") + 1])
        for line in lines[1:]:
            assert columns(line) - columns(line.lstrip()) == first, "\n".join(lines)


def test_no_word_of_the_sort_list_is_broken(monkeypatch):
    parser = _parser(("households",))
    listed = next(a.help for a in parser._actions if "--sort" in a.option_strings)
    text = _help(parser, monkeypatch)
    block = text[text.index("\n  --sort"):text.index("\n  --desc")]
    assert len(block.splitlines()) > 1, "the list fits on one line: this test would prove nothing"
    assert set(re.findall(r"[a-z_]+", block)) == set(re.findall(r"[a-z_]+", listed)) | {"sort"}, block


def test_wrapping_breaks_chinese_between_characters_and_keeps_punctuation_with_its_word():
    lines = wrap("姓名、拼音首字母、身份证号、借据号或电话的一部分，last_visit、next_date", 12)
    assert all(columns(x) <= 12 for x in lines)
    assert not any(x[0] in "，、。）" for x in lines)
    assert "last_visit、" in "".join(lines) and all("last_visit" in x or "last_" not in x for x in lines)


def test_a_command_group_alone_lists_its_own_commands(cli):
    r = cli("agreement")
    assert r.code == 2, "bad usage: the command does not say what to do"
    assert "qingshou agreement [-h]" in r.err and "create" in r.err and "pdf" in r.err
    assert "import-ledger" not in r.err, "it showed the top-level list instead"
    assert r.err.strip().splitlines()[-1].startswith("qingshou agreement：用法错误：缺少子命令")
    assert r.out == ""
    shown = cli("agreement", "--help")
    assert shown.code == 0 and "create" in shown.out


@pytest.mark.parametrize("text, why", [("2026-02-30", "2026 年 2 月只有 28 天"), ("2028-02-30", "2028 年 2 月只有 29 天"),
                                       ("2026-04-31", "4 月只有 30 天"), ("2026-13-01", "月份应为 1 到 12")])
def test_a_date_that_does_not_exist_says_so(cli, text, why):
    r = cli("summary", "--as-of", text)
    assert r.code == 2 and "没有这一天" in r.err and why in r.err and "格式不对" not in r.err, r.err


def test_a_date_written_wrongly_says_how_to_write_it(cli):
    r = cli("summary", "--as-of", "30/11/20x6")
    assert r.code == 2 and "日期格式不对" in r.err and "YYYY-MM-DD" in r.err
