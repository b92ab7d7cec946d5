"""Every rule cites an article that exists and quotes it verbatim (../shared/seeds).

The seed text is taken character for character: full-width punctuation （）、“” and ～ included.
Where the seeds folder is absent the tests skip with the reason; CI turns the skip into a failure.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from inspectnet.rules.format import RuleBase, Ruleset
from inspectnet.rules.registry import registry
from tests.support import skip_or_fail

# ../shared/seeds beside the checkout; INSPECTNET_SEEDS_DIR points elsewhere if needed.
DEFAULT_SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEEDS = Path(os.environ.get("INSPECTNET_SEEDS_DIR", DEFAULT_SEEDS))

DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
ARTICLE_HEAD = re.compile(r"^\s*第([一二三四五六七八九十百]+)条", re.MULTILINE)
ITEM_HEAD = re.compile(r"（([一二三四五六七八九十]+)）")


def chinese_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 四十四 → 44 (enough for article numbers)."""
    if "十" not in text:
        return DIGITS[text]
    tens, _, units = text.partition("十")
    return (DIGITS[tens] if tens else 1) * 10 + (DIGITS[units] if units else 0)


def articles(text: str) -> dict[int, str]:
    """Article number → its text, from one 第N条 heading to the next."""
    heads = list(ARTICLE_HEAD.finditer(text))
    ends = [head.start() for head in heads[1:]] + [len(text)]
    return {
        chinese_number(head[1]): text[head.start() : end]
        for head, end in zip(heads, ends, strict=True)
    }


def item(article_text: str, number: int) -> str | None:
    """Item （N） of an article, up to the next item heading."""
    heads = list(ITEM_HEAD.finditer(article_text))
    ends = [head.start() for head in heads[1:]] + [len(article_text)]
    for head, end in zip(heads, ends, strict=True):
        if chinese_number(head[1]) == number:
            return article_text[head.start() : end]
    return None


def seed_text(ruleset: Ruleset) -> str:
    if ruleset.seed_file is None:
        pytest.fail(f"{ruleset.id} names no seed_file")
    path = SEEDS / ruleset.seed_file
    if not path.is_file():
        skip_or_fail(f"seed text {path} not found (the ../shared/seeds folder is absent)")
    return path.read_text(encoding="utf-8")


def test_chinese_numbers() -> None:
    assert [chinese_number(t) for t in ("一", "十", "十二", "二十", "三十七", "四十四")] == [
        1,
        10,
        12,
        20,
        37,
        44,
    ]


PACKAGED = registry().all()
CASES = [(ruleset, rule) for ruleset in PACKAGED for rule in ruleset.rules]


@pytest.mark.parametrize(
    ("ruleset", "rule"), CASES, ids=[f"{rs.id}:{rule.id}" for rs, rule in CASES]
)
def test_rule_cites_an_existing_article_and_quotes_it_verbatim(
    ruleset: Ruleset, rule: RuleBase
) -> None:
    text = seed_text(ruleset)
    assert rule.quote in text, f"{rule.id}: quote not verbatim in {ruleset.seed_file}"
    found = articles(text)
    assert rule.article_number in found, f"{rule.id}: {rule.article} does not exist"
    cited = found[rule.article_number]
    assert rule.quote in cited, f"{rule.id}: quote is not in {rule.article}"
    if rule.item_number is not None:
        part = item(cited, rule.item_number)
        assert part is not None, f"{rule.id}: {rule.article} has no item {rule.item_number}"
        assert rule.quote in part, f"{rule.id}: quote is not in item {rule.item_number}"


def test_the_seed_articles_are_all_found() -> None:
    for ruleset, last in (("nmg-2016", 44), ("qh-zrzyt", 37)):
        found = articles(seed_text(registry().get(ruleset)))
        assert sorted(found) == list(range(1, last + 1)), ruleset
