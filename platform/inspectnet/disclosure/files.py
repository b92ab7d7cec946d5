"""A published disclosure as files for portals and WeChat: plain text, HTML and DOCX.

Each is built from the publication's own fields only (title, text, article, date), so a file
holds exactly what the public endpoint shows. The HTML escapes every character the text holds;
the DOCX is python-docx's default template with one heading and one paragraph per line.
"""

from __future__ import annotations

import html
import io

from docx import Document

from inspectnet import clock
from inspectnet.disclosure.models import Disclosure

TEXT = "text/plain; charset=utf-8"
HTML = "text/html; charset=utf-8"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _date(disclosure: Disclosure) -> str:
    moment = disclosure.published_at
    if moment is None:
        return ""
    local = moment.astimezone(clock.CHINA)
    return f"{local.year}年{local.month}月{local.day}日"


def as_text(disclosure: Disclosure) -> bytes:
    """Title, blank line, text, blank line, date."""
    return f"{disclosure.title}\n\n{disclosure.body}\n\n{_date(disclosure)}\n".encode()


def as_html(disclosure: Disclosure) -> bytes:
    """A standalone HTML page; every value escaped."""
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in disclosure.body.split("\n"))
    title = html.escape(disclosure.title)
    page = (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body><article><h1>{title}</h1>{paragraphs}"
        f"<p>{html.escape(_date(disclosure))}</p></article></body></html>"
    )
    return page.encode()


def as_docx(disclosure: Disclosure) -> bytes:
    """A Word document: the title as a heading, each line of the text a paragraph."""
    document = Document()
    document.add_heading(disclosure.title, level=1)
    for line in disclosure.body.split("\n"):
        document.add_paragraph(line)
    document.add_paragraph(_date(disclosure))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# The file kinds the public endpoint serves, by extension.
RENDERERS = {"txt": (as_text, TEXT), "html": (as_html, HTML), "docx": (as_docx, DOCX)}
