"""A disclosure's first text, drafted from the inspection's records.

What the records give: the office, the target, the inspection's name and the dates its
transitions recorded (entry, feedback). The office edits the draft before approval; nothing
else of the inspection (its team, petitions, clues) is ever read into it.
"""

from __future__ import annotations

from datetime import datetime

from inspectnet import clock
from inspectnet.inspections.models import Inspection, Stage
from inspectnet.rules.format import DisclosurePointRule, DisclosureStage

# The inspection stage each disclosed stage needs first: an entry is announced once the
# target is notified (qh-zrzyt §13 announcement at entry), feedback and rectification once
# fed back (nmg-2016 §35).
NEEDS: dict[DisclosureStage, Stage] = {
    DisclosureStage.ENTRY: Stage.NOTIFIED,
    DisclosureStage.FEEDBACK: Stage.FED_BACK,
    DisclosureStage.RECTIFICATION: Stage.FED_BACK,
}
TITLE_ZH: dict[DisclosureStage, str] = {
    DisclosureStage.ENTRY: "进驻情况",
    DisclosureStage.FEEDBACK: "反馈情况",
    DisclosureStage.RECTIFICATION: "整改情况",
}


def _day(moment: datetime | None) -> str:
    if moment is None:
        return "（日期待补）"
    local = moment.astimezone(clock.CHINA)
    return f"{local.year}年{local.month}月{local.day}日"


def draft_text(
    rule: DisclosurePointRule,
    *,
    office_name: str,
    target_name: str,
    inspection: Inspection,
    entered_at: datetime | None,
    fed_back_at: datetime | None,
) -> tuple[str, str]:
    """``(title, body)`` of a disclosure of ``rule``'s stage, from the inspection's records."""
    stage = rule.params.stage
    title = f"{office_name}关于{inspection.name}{TITLE_ZH[stage]}的公告"
    if stage is DisclosureStage.ENTRY:
        lines = [
            f"根据{office_name}工作安排，{inspection.name}于{_day(entered_at)}"
            f"进驻{target_name}开展巡视巡察。",
        ]
    elif stage is DisclosureStage.FEEDBACK:
        lines = [
            f"{_day(fed_back_at)}，{inspection.name}向{target_name}党组织领导班子"
            "反馈了巡视巡察意见。",
        ]
    else:
        lines = [
            f"{target_name}党组织针对{inspection.name}{_day(fed_back_at)}反馈的意见，"
            "认真落实整改，现将整改情况予以公布。",
        ]
    lines.append(f"依据：{rule.article}。公开渠道：{'、'.join(rule.params.channels_zh)}。")
    return title[:200], "\n".join(lines)
