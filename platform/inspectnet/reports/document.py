"""The DOCX of a report in the conventional layout of party and government documents
(党政机关公文格式, GB/T 9704-2012): A4, margins top 37 mm, bottom 35 mm, left 28 mm, right
26 mm; the title in 方正小标宋简体 二号 centred; first-level headings 一、 in 黑体 三号, second-level
（一） in 楷体_GB2312 三号, third-level 1. in 仿宋_GB2312 三号 bold; body 仿宋_GB2312 三号 with a
two-character first-line indent and a fixed 28 pt line pitch (22 lines a page).

Font names are set for both the Latin and the East Asian slot (``w:eastAsia``): Word picks a
CJK run's font from the latter, so setting ``font.name`` alone would leave Chinese text in the
default font. Where a reader lacks a font, Word substitutes; the names are what the standard asks.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
BODY_FONT = "仿宋_GB2312"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
LINE_PITCH = Pt(28)

# 一、二、… for the first level and （一）（二）… for the second: Chinese numerals to 99.
_DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (1–99)."""
    if not 1 <= n <= 99:
        raise ValueError(f"numbering runs from 1 to 99, not {n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


@dataclass(frozen=True)
class Item:
    """A numbered entry (1.) under a subsection: its heading and its paragraphs."""

    heading: str
    paragraphs: Sequence[str]


@dataclass(frozen=True)
class Subsection:
    """A second-level section （一） and its entries."""

    heading: str
    items: Sequence[Item]


@dataclass(frozen=True)
class Section:
    """A first-level section 一、: opening paragraphs, then subsections."""

    heading: str
    paragraphs: Sequence[str] = ()
    subsections: Sequence[Subsection] = ()


@dataclass(frozen=True)
class Draft:
    """What a report says, before layout."""

    title: str
    addressee: str
    sections: Sequence[Section]
    signature: str
    dated: str


def _font(paragraph: Paragraph, text: str, font: str, *, bold: bool = False) -> None:
    run = paragraph.add_run(text)
    run.font.name = font
    run.font.size = TITLE_SIZE if font == TITLE_FONT else BODY_SIZE
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _paragraph(
    document: Document, text: str, font: str = BODY_FONT, *, indent: bool = True, bold: bool = False
) -> Paragraph:
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = BODY_SIZE * 2  # 首行缩进两个字
    _font(paragraph, text, font, bold=bold)
    return paragraph


def render(draft: Draft) -> bytes:
    """The DOCX bytes of ``draft``."""
    document = Document()
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    title = _paragraph(document, draft.title, TITLE_FONT, indent=False)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, "", indent=False)
    _paragraph(document, f"{draft.addressee}：", indent=False)
    for n, section in enumerate(draft.sections, start=1):
        _paragraph(document, f"{chinese_number(n)}、{section.heading}", HEADING_FONT)
        for text in section.paragraphs:
            _paragraph(document, text)
        for m, sub in enumerate(section.subsections, start=1):
            _paragraph(document, f"（{chinese_number(m)}）{sub.heading}", SUBHEADING_FONT)
            for k, item in enumerate(sub.items, start=1):
                _paragraph(document, f"{k}.{item.heading}", bold=True)
                for text in item.paragraphs:
                    _paragraph(document, text)
    _paragraph(document, "", indent=False)
    for line in (draft.signature, draft.dated):
        _paragraph(document, line, indent=False).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
