"""The rulesets in force: the built-in files plus those of a configured directory, all at once.

A load is all or nothing. Every file is parsed and validated before anything changes; if one is
bad the registry raises ``RulesetInvalid`` (naming the file, the rule id and the field) and the
rules in force stay exactly as they were. A third region is added by a YAML file alone: put it
in the directory ``INSPECTNET_RULESETS_DIR`` names (the built-in ones stay in
``inspectnet/rules/data/``). ``configure`` runs at start-up (``create_app``, every CLI command):
a broken file stops start-up with one line (ConfigurationError) instead of reaching a request,
and a file may not redefine a built-in ruleset's id.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from pydantic import ValidationError

from inspectnet.errors import NotFound, ValidationFailed
from inspectnet.rules.format import RuleProblem, Ruleset
from inspectnet.settings import ConfigurationError

DATA_DIR = Path(__file__).resolve().parent / "data"
RULESET_INVALID = "RULESET_INVALID"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a ruleset file."""

    file: str
    rule_id: str | None
    field: str
    message: str

    def describe(self) -> str:
        """One line: file, rule, field, reason."""
        rule = f"规则 {self.rule_id}" if self.rule_id else "规则集"
        return f"{self.file}：{rule}，字段 {self.field}：{self.message}"


class RulesetInvalid(ValidationFailed):
    """A ruleset file was refused; ``problems`` lists every reason found."""

    default_code = RULESET_INVALID
    default_message = "规则集文件无效"

    def __init__(self, problems: Sequence[Problem]) -> None:
        if not problems:
            raise ValueError("RulesetInvalid needs at least one problem")
        self.problems = tuple(problems)
        self.file = problems[0].file
        shown = "；".join(p.describe() for p in self.problems[:5])
        more = f"；另有 {len(self.problems) - 5} 处问题" if len(self.problems) > 5 else ""
        super().__init__(
            f"规则集文件无效（规则未更改）：{shown}{more}",
            code=RULESET_INVALID,
            field=problems[0].field,
            rule_id=problems[0].rule_id,
        )


def packaged_files() -> list[Path]:
    """The ruleset files shipped with the package, in name order."""
    return sorted(DATA_DIR.glob("*.yaml"))


def directory_files(directory: Path) -> list[Path]:
    """The ruleset files of a configured directory (``*.yaml``, ``*.yml``), in name order."""
    return sorted(
        path
        for path in directory.iterdir()
        if path.suffix.lower() in (".yaml", ".yml") and path.is_file()
    )


def _rule_id_at(data: Any, index: object) -> str | None:
    if not isinstance(data, dict) or not isinstance(index, int):
        return None
    rules = data.get("rules")
    if not isinstance(rules, list) or not 0 <= index < len(rules):
        return None
    rule = rules[index]
    rule_id = rule.get("id") if isinstance(rule, dict) else None
    return str(rule_id) if rule_id is not None else f"#{index + 1}"


def _problems(error: ValidationError, data: Any, file: str) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        loc = list(item["loc"])
        original = (item.get("ctx") or {}).get("error")
        if isinstance(original, RuleProblem):
            problems.append(Problem(file, original.rule_id, original.field, original.message))
            continue
        rule_id = None
        if len(loc) >= 2 and loc[0] == "rules":
            rule_id = _rule_id_at(data, loc[1])
            loc = loc[2:]
            # The discriminated union puts the kind's tag into the path: drop it.
            raw = data["rules"][item["loc"][1]] if rule_id else None
            if loc and isinstance(raw, dict) and loc[0] == raw.get("kind"):
                loc = loc[1:]
        if item["type"] in ("union_tag_invalid", "union_tag_not_found"):
            field = "kind"
        else:
            field = ".".join(str(part) for part in loc) or "(整体)"
        message = item["msg"].removeprefix("Value error, ")
        given = item.get("input")
        # Show a scalar that was refused, so "fortnights" is visible next to the allowed units.
        if isinstance(given, str | int | float) and item["type"] != "missing":
            message = f"{message}（输入 {given!r}）"
        problems.append(Problem(file, rule_id, field, message))
    return problems


def parse_ruleset(data: Any, *, file: str) -> Ruleset:
    """Validate a parsed ruleset document; RulesetInvalid names file, rule id and field."""
    if not isinstance(data, dict):
        raise RulesetInvalid([Problem(file, None, "(整体)", "应为一个映射（id、title、rules…）")])
    try:
        return Ruleset.model_validate(data)
    except ValidationError as error:
        raise RulesetInvalid(_problems(error, data, file)) from None


def read_ruleset_file(path: Path) -> Ruleset:
    """Read and validate one ruleset YAML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise RulesetInvalid([Problem(path.name, None, "(文件)", str(error.strerror))]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else "(文件)"
        raise RulesetInvalid([Problem(path.name, None, where, f"YAML 无法解析：{error}")]) from None
    return parse_ruleset(data, file=path.name)


class RulesetRegistry:
    """The rulesets in force, swapped atomically on a successful load."""

    def __init__(self, rulesets: Iterable[Ruleset] = ()) -> None:
        self._lock = threading.Lock()
        self._rulesets: Mapping[str, Ruleset] = MappingProxyType({r.id: r for r in rulesets})
        self._files: tuple[Path, ...] = ()
        # What ``configure`` loaded: (file, mtime, size) of each, to skip an unchanged reload.
        self.stamp: tuple[tuple[str, int, int], ...] | None = None

    def load(self, extra: Iterable[Path] = (), *, packaged: bool = True) -> None:
        """Validate packaged and ``extra`` files together; put them in force or change nothing."""
        built_in = packaged_files() if packaged else []
        files = [*built_in, *extra]
        loaded: dict[str, Ruleset] = {}
        origin: dict[str, Path] = {}
        problems: list[Problem] = []
        for path in files:
            try:
                ruleset = read_ruleset_file(path)
            except RulesetInvalid as error:
                problems.extend(error.problems)
                continue
            if ruleset.id in loaded:
                first = origin[ruleset.id]
                if first in built_in:
                    clash = (
                        f"规则集 {ruleset.id} 是内置规则集（{first.name}），不能由其他文件重新定义"
                    )
                else:
                    clash = f"规则集 {ruleset.id} 已由 {first.name} 定义"
                problems.append(Problem(path.name, None, "id", clash))
                continue
            loaded[ruleset.id] = ruleset
            origin[ruleset.id] = path
        if problems:
            raise RulesetInvalid(problems)
        with self._lock:
            self._rulesets = MappingProxyType(loaded)
            self._files = tuple(files)

    @property
    def files(self) -> tuple[Path, ...]:
        """The files of the last successful load."""
        return self._files

    def ids(self) -> tuple[str, ...]:
        """The ids of the rulesets in force, sorted."""
        return tuple(sorted(self._rulesets))

    def all(self) -> tuple[Ruleset, ...]:
        """The rulesets in force, by id."""
        snapshot = self._rulesets
        return tuple(snapshot[key] for key in sorted(snapshot))

    def find(self, ruleset_id: str) -> Ruleset | None:
        """The ruleset with this id, or None."""
        return self._rulesets.get(ruleset_id)

    def get(self, ruleset_id: str) -> Ruleset:
        """The ruleset with this id; NotFound (RULESET_UNKNOWN) when none is in force."""
        ruleset = self._rulesets.get(ruleset_id)
        if ruleset is None:
            raise NotFound(f"规则集 {ruleset_id} 不存在或未加载", code="RULESET_UNKNOWN")
        return ruleset

    def __contains__(self, ruleset_id: object) -> bool:
        return ruleset_id in self._rulesets


_default: RulesetRegistry | None = None
_default_lock = threading.Lock()


def registry() -> RulesetRegistry:
    """The process-wide registry, loaded with the packaged rulesets on first use."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                fresh = RulesetRegistry()
                fresh.load()
                _default = fresh
    return _default


def get_ruleset(ruleset_id: str) -> Ruleset:
    """The ruleset in force with this id (process-wide registry)."""
    return registry().get(ruleset_id)


def configure(rulesets_dir: Path | None) -> RulesetRegistry:
    """Put the built-in rulesets and those of ``rulesets_dir`` in force for this process.

    A bad file, an unreadable directory or a clash with a built-in id raises ConfigurationError:
    one line naming the file, the rule id and the field, and nothing is put in force.
    """
    global _default
    fresh = RulesetRegistry()
    try:
        extra = directory_files(rulesets_dir) if rulesets_dir is not None else []
        stamp = _stamp([*packaged_files(), *extra])
        current = _default
        if current is not None and current.stamp == stamp:
            return current  # the same files, unchanged: parsing them again costs ~0.1 s
        fresh.load(extra)
        fresh.stamp = stamp
    except RulesetInvalid as error:
        raise ConfigurationError(
            f"configuration error: INSPECTNET_RULESETS_DIR: {_one_line(error.message)}"
        ) from None
    except OSError as error:
        raise ConfigurationError(
            f"configuration error: INSPECTNET_RULESETS_DIR: {rulesets_dir}: {error.strerror}"
        ) from None
    with _default_lock:
        _default = fresh
    return fresh


def _stamp(files: Sequence[Path]) -> tuple[tuple[str, int, int], ...]:
    stats = ((path, path.stat()) for path in files)
    return tuple((str(path), stat.st_mtime_ns, stat.st_size) for path, stat in stats)


def _one_line(text: str) -> str:
    # A YAML parser's message spans lines; start-up errors are one line for the operator's log.
    return " ".join(text.split())
