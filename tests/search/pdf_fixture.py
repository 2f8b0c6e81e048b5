"""Small PDFs for tests, written with reportlab: a report with a running header, page numbers, a section
heading and a word hyphenated across a line break."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

HEADER = "Center for Alliance Studies | Quarterly Report"
SECTIONS = [
    (
        "Drills and warning data",
        [
            "The three allies agreed on Monday to expand trilateral drills near Jeju and to share missile",
            "warning data in real time, officials in Seoul said after a meeting of defense ministers. The",
            "agreement builds on the Camp David summit and sets out a schedule of exercises, staff talks and",
            "a new hotline between the three capitals, which officials described as a matter of deep coop-",
            "eration rather than a formal alliance.",
        ],
    ),
    (
        "Costs and burden sharing",
        [
            "Budget planners in Tokyo expect the exercises to cost more than last year, because the navies",
            "will sail farther south and stay at sea longer, and parliament will be asked for a supplement.",
        ],
    ),
    (
        "What comes next",
        [
            "Negotiators will meet again in the autumn to settle the remaining questions about command and",
            "the exchange of liaison officers, and a summit could follow early next year if talks go well.",
        ],
    ),
    (
        "Appendix: sources",
        ["The figures in this report come from the ministries' published budgets and from interviews."],
    ),
]


def report_pdf(
    pages: int = 3, *, title: str | None = "Trilateral Security Outlook", author: str | None = "Jane Roe"
) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    if title:
        pdf.setTitle(title)
    if author:
        pdf.setAuthor(author)
    for number in range(1, pages + 1):
        pdf.setFont("Helvetica", 9)
        pdf.drawString(72, 800, HEADER)
        pdf.drawString(290, 40, str(number))
        pdf.setFont("Helvetica", 11)
        y = 760
        heading, lines = SECTIONS[(number - 1) % len(SECTIONS)]
        pdf.drawString(72, y, heading)
        y -= 24
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
