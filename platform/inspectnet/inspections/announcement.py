"""The public announcement 巡视（巡察）公告 as a DOCX in the Chinese official-document layout
(GB/T 9704-2012 党政机关公文格式): A4, margins 37/35/28/26 mm, title in 方正小标宋简体 二号
centred, numbered headings 一、二、… in 黑体 三号, body in 仿宋_GB2312 三号 with a two-character
first-line indent, the issuing office and the date at the foot, right-aligned.

Word picks a Chinese font from the East Asian slot of a run (``w:eastAsia``), not from the
name python-docx sets, so every run sets both.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
NUMERALS = "一二三四五六七八九十"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Announcement:
    """What the announcement says (qh-zrzyt §13), as recorded on the inspection's notice."""

    inspection: str  # its name, e.g. 2026年第一轮巡察
    office: str
    target: str
    article: str
    scope: str
    method: str
    site_from: date
    site_until: date
    address: str
    mailbox: str
    phone: str
    online_address: str | None
    issued_on: date


def chinese_date(day: date) -> str:
    """2026-11-25 → 2026年11月25日, as official documents date themselves."""
    return f"{day.year}年{day.month}月{day.day}日"


def _run(paragraph: Paragraph, text: str, font: str, size: Pt) -> None:
    run = paragraph.add_run(text)
    run.font.name = font
    run.font.size = size
    properties = run._element.get_or_add_rPr()
    properties.get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _body(document: object, text: str) -> None:
    paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    paragraph.paragraph_format.first_line_indent = Pt(32)  # two characters of 三号
    paragraph.paragraph_format.line_spacing = Pt(28)
    _run(paragraph, text, BODY_FONT, BODY_SIZE)


def _heading(document: object, number: int, text: str) -> None:
    paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    paragraph.paragraph_format.first_line_indent = Pt(32)
    _run(paragraph, f"{NUMERALS[number - 1]}、{text}", HEADING_FONT, BODY_SIZE)


def sections(found: Announcement) -> list[tuple[str, list[str]]]:
    """The numbered sections: heading and its paragraphs."""
    contact = [
        f"工作地址：{found.address}",
        f"举报信箱：{found.mailbox}",
        f"办公电话：{found.phone}",
    ]
    if found.online_address:
        contact.append(f"网上受理地址：{found.online_address}")
    schedule = f"{chinese_date(found.site_from)}至{chinese_date(found.site_until)}"
    return [
        ("对象和工作内容", [found.scope]),
        ("工作方式", [found.method]),
        ("时间安排", [f"现场工作时间为{schedule}。"]),
        ("联系方式", contact),
    ]


def render(found: Announcement) -> bytes:
    """The announcement as DOCX bytes."""
    document = Document()
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, f"{found.inspection}公告", TITLE_FONT, TITLE_SIZE)
    _body(
        document,
        f"根据工作安排，{found.office}对{found.target}开展{found.inspection}。依据{found.article}，"
        "现将有关事项公告如下：",
    )
    for number, (heading, paragraphs) in enumerate(sections(found), start=1):
        _heading(document, number, heading)
        for text in paragraphs:
            _body(document, text)
    _body(document, "特此公告。")
    for text in (found.office, chinese_date(found.issued_on)):
        foot = document.add_paragraph()
        foot.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _run(foot, text, BODY_FONT, BODY_SIZE)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
