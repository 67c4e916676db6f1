"""The monthly assessment as a PDF (A4, the embedded Chinese font of the printed forms): title,
the month, issuing unit and issue date, the whole in two sentences, the townships' ranking, then
each township's villages and responsible people (tables the width of the page, their header
repeated on every page they run onto); amounts in 万元."""
from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Spacer, Table

from app.domain.assessment import Assessment, Line
from app.reports import assessment_text as at
from app.reports.pdfkit import BODY_W, document, escape, grid_style, numbered_canvas, p, pm, styles

TOTAL = colors.HexColor("#EEEEEE")
RED = colors.HexColor("#C00000")
_CN_NUMBERS = "一二三四五六七八九十"


def write_assessment_pdf(a: Assessment, out: Path) -> Path:
    st = styles()
    story: list = [p(a.title, st["title"]), p(at.period(a), st["subtitle"]), Spacer(1, 2 * mm),
                   _issuer_line(a), Spacer(1, 3 * mm), p(at.opening(a), st["indent"]),
                   p("一、总体情况", st["heading"])]
    story += [p(text, st["indent"]) for text in at.summary(a)]
    section = 2
    if not a.one_township or at.whole(a) == "全区":
        story.append(p(f"{_cn(section)}、各乡镇考核排名（金额单位：万元）", st["heading"]))
        story.append(_table(a.townships, "乡镇", st, total=a.totals))
        section += 1
    for title, rows_of, head, duties in (("各村（社区）考核排名", a.villages_of, "村（社区）", False),
                                         ("各责任人考核排名", a.people_of, "责任人", True)):
        story.append(CondPageBreak(45 * mm))
        story.append(p(f"{_cn(section)}、{title}（金额单位：万元）", st["heading"]))
        section += 1
        for i, t in enumerate(a.townships, start=1):
            rows = rows_of(t.name)
            if not rows:
                continue
            caption = p(f"（{_cn(i)}）{t.name}" if len(a.townships) > 1 else t.name, st["body"])
            story.append(CondPageBreak(30 * mm))   # a caption is not left alone at the foot of a page
            story.append(caption)
            story.append(_table(rows, head, st, duties=duties))
            story.append(Spacer(1, 2 * mm))
    story.append(KeepTogether([Spacer(1, 1 * mm), p(at.NOTE, st["small"]), Spacer(1, 6 * mm),
                               *_signature(a, st)]))   # the signature never alone on the last page
    out = Path(out)
    doc = document(out, a.title)
    doc.build(story, canvasmaker=numbered_canvas(at.footer(a)))
    return out


def _cn(n: int) -> str:
    if n <= 10:
        return _CN_NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_NUMBERS[tens - 1]) + "十" + (_CN_NUMBERS[ones - 1] if ones else "")


def _issuer_line(a: Assessment) -> Table:
    t = Table([[a.issuer, at.cn_date(a.made_at.date())]], colWidths=[BODY_W * 0.7, BODY_W * 0.3])
    t.setStyle(grid_style(("GRID", (0, 0), (-1, -1), 0, colors.white), ("BACKGROUND", (0, 0), (-1, 0), colors.white),
                          ("FONTSIZE", (0, 0), (-1, -1), 10.5), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                          ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                          ("LINEBELOW", (0, 0), (-1, 0), 1.2, RED)))
    return t


def _signature(a: Assessment, st) -> list:
    right = ParagraphStyle("right", st["body"], alignment=TA_RIGHT)
    return [p(a.issuer, right), p(at.cn_date(a.made_at.date()), right)]


def _table(lines: list[Line], head: str, st, *, total: Line | None = None, duties: bool = False) -> Table:
    header = ["名次", head] + (["职务、职责"] if duties else []) + [h for h, _w in at.FIGURE_COLUMNS]
    widths = [4.5, 10 if duties else 12] + ([10] if duties else []) + [w for _h, w in at.FIGURE_COLUMNS]
    cell = ParagraphStyle("cell8", st["cell"], fontSize=8, leading=10)
    head_style = ParagraphStyle("head8", st["head"], fontSize=8, leading=10)
    rows = [[pm(escape(h).replace("\n", "<br/>"), head_style) for h in header]]
    for x in lines:
        rows.append([x.rank or "", p(x.name, cell)] + ([p(x.detail, cell)] if duties else []) + at.figure_cells(x))
    if total is not None:
        rows.append(["", "合计"] + at.figure_cells(total))
    scale = BODY_W / sum(widths)
    t = Table(rows, colWidths=[w * scale for w in widths], repeatRows=1)
    first_figure = 3 if duties else 2
    t.setStyle(grid_style(("ALIGN", (0, 0), (-1, -1), "CENTER"), ("FONTSIZE", (0, 1), (-1, -1), 8),
                          ("TOPPADDING", (0, 0), (-1, -1), 1.8), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.8),
                          ("LEFTPADDING", (0, 0), (-1, -1), 2.5), ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
                          ("ALIGN", (first_figure, 1), (-1, -1), "RIGHT"),
                          *([("BACKGROUND", (0, -1), (-1, -1), TOTAL)] if total is not None else [])))
    return t
