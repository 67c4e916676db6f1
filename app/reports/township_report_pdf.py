"""The township report (情况汇报) as a PDF (A4, the embedded Chinese font of the printed forms):
the same text and tables as the Word document, ready to print as it is (without the two
sections the township writes itself)."""
from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, PageBreak, Spacer, Table

from app.domain.township_report import TownshipReport
from app.reports import township_report_text as tt
from app.reports.pdfkit import BODY_W, document, grid_style, numbered_canvas, p, styles

TOTAL = colors.HexColor("#EEEEEE")


def write_township_report_pdf(r: TownshipReport, out: Path) -> Path:
    st = styles()
    right = ParagraphStyle("right", st["body"], alignment=TA_RIGHT)
    story: list = [p(r.title, st["title"]), p(tt.subtitle(r), st["subtitle"]), Spacer(1, 5 * mm),
                   p(tt.opening(r), st["indent"]),
                   p("一、完成情况", st["heading"])]
    story += [p(text, st["indent"]) for text in tt.progress(r)]
    story.append(p("二、特殊不良贷款情况", st["heading"]))
    story.append(p(tt.categories_intro(r), st["indent"]))
    story += [p(lead + sentence, st["indent"]) for lead, sentence in tt.category_items(r)]
    story.append(Spacer(1, 2 * mm))
    rows = tt.category_rows(r)
    cells = [[p(label, st["cell"])] + tt.category_cells(label, c)[1:] for label, c, _sub in rows]
    subs = [("LEFTPADDING", (0, i), (0, i), 14) for i, (_l, _c, sub) in enumerate(rows, start=1) if sub]
    caption = ParagraphStyle("caption", st["cell_c"], spaceAfter=1.5 * mm)
    story.append(CondPageBreak(40 * mm))   # the caption with at least a few rows; the table may go on overleaf
    story.append(p(f"九类特殊不良贷款清收情况（{tt.UNIT_NOTE}）", caption))
    story.append(_table(tt.CATEGORY_COLUMNS, cells, tt.CATEGORY_WIDTHS, ("ALIGN", (1, 1), (-1, -1), "RIGHT"), *subs))
    story.append(Spacer(1, 8 * mm))
    story.append(KeepTogether([p(r.township, right), p(tt.cn_date(r.as_of), right)]))

    story.append(PageBreak())
    story += _appendix(tt.VILLAGE_TITLE, st)
    villages = tt.village_table(r)
    story.append(_table(tt.VILLAGE_COLUMNS, [[row[0], p(row[1], st["cell"]), *row[2:]] for row in villages],
                        tt.VILLAGE_WIDTHS, ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
                        ("BACKGROUND", (0, -1), (-1, -1), TOTAL)))
    story += [Spacer(1, 2 * mm), p(tt.VISIT_NOTE, st["small"]), PageBreak()]
    story += _appendix(tt.STAFF_TITLE, st)
    people = tt.staff_table(r)
    story.append(_table(tt.STAFF_COLUMNS, [[row[0], p(row[1], st["cell"]), p(row[2], st["cell"]), *row[3:]]
                                           for row in people],
                        tt.STAFF_WIDTHS, ("ALIGN", (3, 1), (-1, -1), "RIGHT")))
    story += [Spacer(1, 2 * mm), p(tt.STAFF_NOTE, st["small"]), p(tt.VISIT_NOTE, st["small"])]
    out = Path(out)
    doc = document(out, r.title)
    doc.build(story, canvasmaker=numbered_canvas(tt.footer(r)))
    return out


def _appendix(title: str, st) -> list:
    return [p(title, st["heading"]), p(tt.UNIT_NOTE, ParagraphStyle("unit", st["small"], alignment=TA_RIGHT))]


def _table(header, rows: list[list], widths, *extra) -> Table:
    total = sum(widths)
    head = [p(h, styles()["head"]) for h in header]
    t = Table([head] + rows, colWidths=[w * BODY_W / total for w in widths], repeatRows=1)
    t.setStyle(grid_style(("ALIGN", (0, 0), (-1, -1), "CENTER"), ("FONTSIZE", (0, 1), (-1, -1), 9),
                          *extra, ("ALIGN", (0, 0), (-1, 0), "CENTER")))
    return t
