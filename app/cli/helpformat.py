"""``--help`` that lines up in a terminal when it holds Chinese.

argparse measures text in code points, but a Chinese character takes two columns: columns after
``--db 文件`` drifted, and its wrapping (textwrap) broke English words (``st`` / ``age`` in
``--sort``'s list) and let Chinese lines run past the edge.  This formatter measures in columns,
breaks Chinese text between characters, never inside an English word, and starts no line with
closing punctuation (，、。）).
"""
from __future__ import annotations

import argparse
import re
import unicodedata

_CLOSING = set("，、。；：！？）》」』】,.;:!?)]")
_OPENING = set("（《「『【([")
_USAGE_PART = re.compile(r"\(.*?\)+(?=\s|$)|\[.*?\]+(?=\s|$)|\S+")


def columns(text: str) -> int:
    """How many terminal columns ``text`` takes: two for a wide (CJK) character, else one."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in text)


def _tokens(text: str) -> list[tuple[str, bool]]:
    """``text`` as pieces that may not be split, each with whether a space came before it:
    an English word or number whole, a Chinese character alone, punctuation kept with its word."""
    raw: list[tuple[str, bool]] = []
    space = False
    for piece in re.findall(r"\s+|[\x21-\x7e]+|\S", text):
        if piece.isspace():
            space = True
            continue
        raw.append((piece, space))
        space = False
    merged: list[tuple[str, bool]] = []
    for piece, space in raw:
        if merged and not space and (piece[0] in _CLOSING or merged[-1][0][-1] in _OPENING):
            merged[-1] = (merged[-1][0] + piece, merged[-1][1])
        else:
            merged.append((piece, space))
    return merged


def wrap(text: str, width: int) -> list[str]:
    """``text`` (whitespace runs taken as one space) in lines of at most ``width`` columns."""
    lines: list[str] = []
    line, used = "", 0
    for piece, space in _tokens(text):
        gap = " " if space and line else ""
        need = columns(gap) + columns(piece)
        if line and used + need > width:
            lines.append(line)
            line, used = piece, columns(piece)
        else:
            line, used = line + gap + piece, used + need
    if line:
        lines.append(line)
    return lines or [""]


class ColumnHelpFormatter(argparse.HelpFormatter):
    """argparse's layout, measured in terminal columns (see the module's note)."""

    def add_argument(self, action):
        super().add_argument(action)
        if action.help is not argparse.SUPPRESS:
            invocations = [self._format_action_invocation(action)]
            invocations += [self._format_action_invocation(a) for a in self._iter_indented_subactions(action)]
            self._action_max_length = max(self._action_max_length,
                                          max(map(columns, invocations)) + self._current_indent)

    def _split_lines(self, text, width):
        return wrap(text, width)

    def _fill_text(self, text, width, indent):
        return "\n".join(indent + line for line in wrap(text, width - columns(indent)))

    def _format_action(self, action):   # argparse's own, with columns() for len()
        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        action_width = help_position - self._current_indent - 2
        header = self._format_action_invocation(action)
        indent_first = 0
        if not action.help:
            header = " " * self._current_indent + header + "\n"
        elif columns(header) <= action_width:
            header = " " * self._current_indent + header + " " * (action_width - columns(header) + 2)
        else:
            header = " " * self._current_indent + header + "\n"
            indent_first = help_position
        parts = [header]
        if action.help and action.help.strip():
            help_text = self._expand_help(action)
            if help_text:
                lines = self._split_lines(help_text, help_width)
                parts.append(" " * indent_first + lines[0] + "\n")
                parts += [" " * help_position + line + "\n" for line in lines[1:]]
        elif not header.endswith("\n"):
            parts.append("\n")
        for subaction in self._iter_indented_subactions(action):
            parts.append(self._format_action(subaction))
        return self._join_parts(parts)

    def _format_usage(self, usage, actions, groups, prefix):
        """argparse's usage on one line, then wrapped again by columns, continuation lines
        under the first option."""
        prefix = "usage: " if prefix is None else prefix
        width, self._width = self._width, 1_000_000
        try:
            text = super()._format_usage(usage, actions, groups, "").strip()
        finally:
            self._width = width
        prog = self._prog
        text_width = self._width - self._current_indent
        if columns(prefix) + columns(text) <= text_width or not text.startswith(prog):
            return f"{prefix}{text}\n\n"
        parts: list[str] = []
        for part in _USAGE_PART.findall(text[len(prog):]):
            if parts and parts[-1].startswith("-") and " " not in parts[-1] and part[0] not in "-[(":
                parts[-1] += " " + part   # a required option and its value stay together (--date 日期)
            else:
                parts.append(part)
        if columns(prefix) + columns(prog) <= 0.75 * text_width:   # options follow the program's name
            lines, indent, line = [], columns(prefix) + columns(prog) + 1, prefix + prog
        else:                                                      # a long name stands on its own line
            lines, indent, line = [prefix + prog], columns(prefix), " " * (columns(prefix) - 1)
        used, placed = columns(line), False
        for part in parts:
            if placed and used + 1 + columns(part) > text_width:
                lines.append(line)
                line, used = " " * (indent - 1), indent - 1
            line, used, placed = f"{line} {part}", used + 1 + columns(part), True
        lines.append(line)
        return "\n".join(lines) + "\n\n"
