"""The district's rules for suggested next steps (清收建议).

The rules are in ``resources/rules/suggestions.toml``; a copy in the data folder
(``<data>/rules/suggestions.toml``) overrides it, so the district can adjust them without a
new program.  The file is read again when it changes.  The rule language itself is
``app.domain.rules``; what a household's case looks like to the rules is
``app.services.work.suggestions``.
"""
from __future__ import annotations

from pathlib import Path

from app import config
from app.domain.errors import InputError
from app.domain.rules import Rule, parse_rules

RULES_FILE = Path("rules") / "suggestions.toml"
_cache: dict[str, tuple[float, list[Rule]]] = {}


def rules_path() -> Path:
    """The rules file in use: the data folder's copy if there is one, else the program's."""
    override = config.data_dir() / RULES_FILE
    if override.is_file():
        return override
    return config.resources_dir() / RULES_FILE


def load_rules(path: Path | None = None) -> list[Rule]:
    """The rules, read again only when the file changed.  ``InputError`` if it is wrong."""
    path = Path(path) if path else rules_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        raise InputError(f"找不到建议规则文件：{path}") from None
    cached = _cache.get(str(path))
    if cached and cached[0] == mtime:
        return cached[1]
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"无法读取建议规则文件：{path}（{exc}）") from None
    rules = parse_rules(text, str(path))
    _cache[str(path)] = (mtime, rules)
    return rules
