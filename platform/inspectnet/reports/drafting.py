"""What a report says, composed from the records the team already keeps (一次录入 N+1 次调用):
the findings placed in it grouped by their ruleset category, the clues placed in it grouped
likewise, and the inspection's interview count; the layout is ``document``'s."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from inspectnet.casework.models import Clue, Finding
from inspectnet.reports.document import Draft, Item, Section, Subsection
from inspectnet.rules.format import Ruleset


def _category_name(ruleset: Ruleset, category: str) -> str:
    rule = ruleset.find(category)
    return rule.name if rule is not None else category


def _grouped(ruleset: Ruleset, rows: Sequence[Clue | Finding]) -> dict[str, list[Clue | Finding]]:
    groups: dict[str, list[Clue | Finding]] = {}
    for row in rows:  # keeps the order the rows were placed in, per category
        groups.setdefault(_category_name(ruleset, row.category), []).append(row)
    return groups


def _finding_item(finding: Finding) -> Item:
    # A placed finding is ready: facts and basis are both there (qh-zrzyt §16).
    return Item(finding.title, (finding.facts or "", f"定性依据：{finding.basis or ''}"))


def _clue_item(clue: Clue) -> Item:
    lines = [clue.summary]
    if clue.assessment:
        lines.append(f"初步分析：{clue.assessment}")
    return Item(f"{clue.person_name}（{clue.person_post}）", lines)


def compose(
    *,
    ruleset: Ruleset,
    kind_name: str,
    title: str,
    addressee: str,
    team: str,
    target_name: str,
    interviews: int,
    findings: Sequence[Finding],
    clues: Sequence[Clue],
    suggestions: str | None,
    dated: date,
) -> Draft:
    """The draft of a report of kind ``kind_name`` (e.g. 巡察报告) from its placed rows."""
    sections = [
        Section(
            "基本情况",
            (
                f"按照安排，{team}对{target_name}开展{kind_name.removesuffix('报告')}工作，"
                f"共开展个别谈话{interviews}人次，发现问题{len(findings)}个，"
                f"梳理问题线索{len(clues)}件。现将有关情况报告如下。",
            ),
        )
    ]
    if findings:
        sections.append(
            Section(
                "发现的主要问题",
                subsections=[
                    Subsection(name, [_finding_item(f) for f in rows])  # type: ignore[arg-type]
                    for name, rows in _grouped(ruleset, findings).items()
                ],
            )
        )
    if clues:
        sections.append(
            Section(
                "问题线索情况",
                subsections=[
                    Subsection(name, [_clue_item(c) for c in rows])  # type: ignore[arg-type]
                    for name, rows in _grouped(ruleset, clues).items()
                ],
            )
        )
    if suggestions:
        sections.append(Section("意见建议", tuple(p for p in suggestions.splitlines() if p)))
    return Draft(
        title=title,
        addressee=addressee,
        sections=sections,
        signature=team,
        dated=f"{dated.year}年{dated.month}月{dated.day}日",
    )
