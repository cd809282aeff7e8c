"""The accessibility statement (toegankelijkheidsverklaring) at /toegankelijkheid/.

It follows the parts of the Dutch government's model statement: the organisation and the
site, the compliance status, how the site was tested, the known problems with their plan,
and where to report a barrier. Who publishes it, the contact address, the answer time and
the date come from the settings (ACCESSIBILITY_*); the status and the known problems live
here, next to the code they describe. README "Accessibility statement" says how to update
them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

# The model's statuses: A complies fully, B complies partly, C first measures taken,
# D no measures taken, E does not comply. B while any known problem below is open.
STATUS = "B"
STATUS_LABEL = _("complies partly")
STATUS_EXPLANATION = _(
    "Training Monitor complies partly with the standard. Most pages work well with a "
    "keyboard, a screen reader and zoom. Some parts do not work well yet: you find them "
    "below, under “Known problems”."
)
# The standard the site is tested against (the Besluit digitale toegankelijkheid overheid
# refers to EN 301 549, which holds WCAG 2.1 level AA).
STANDARD = "WCAG 2.1 AA"
# The widths (CSS pixels) the automated tests open every page at (tests/browser/).
TESTED_WIDTHS = (320, 1280)


@dataclass(frozen=True)
class KnownProblem:
    """One way the site does not comply yet: what, for whom, why, and what we will do."""

    what: Promise
    effect: Promise
    cause: Promise
    plan: Promise
    planned_for: datetime.date


KNOWN_PROBLEMS = (
    KnownProblem(
        what=_("The management pages (/admin/), used only by administrators."),
        effect=_(
            "Parts of these pages are hard to use with only a keyboard or a screen reader, "
            "such as the date picker and the lists to choose roles and users."
        ),
        cause=_(
            "These pages are the standard management pages of Django, the software the "
            "site is built with. We have only tested them with the automated test."
        ),
        plan=_(
            "We test the management pages with keyboard and screen reader and repair what "
            "we find. Until then, another administrator can make the change for you."
        ),
        planned_for=datetime.date(2027, 4, 1),
    ),
    KnownProblem(
        what=_("PDF files of the quarterly reports."),
        effect=_(
            "A screen reader may not read every PDF well: older reports have no headings "
            "and no table headers for a screen reader."
        ),
        cause=_(
            "Reports saved before the PDFs were made accessible stay as they were. We could "
            "not yet check the new PDFs with a PDF checker."
        ),
        plan=_(
            "We check the PDFs with a PDF checker and repair what we find. The same figures "
            "are on the report page itself and in the spreadsheet download."
        ),
        planned_for=datetime.date(2027, 3, 1),
    ),
    KnownProblem(
        what=_("The wide table of the ICOP report on the report page."),
        effect=_(
            "On a screen of normal width the table is wider than the page. You scroll it "
            "sideways in its own frame; its first column stays in view."
        ),
        cause=_(
            "The table has many columns with long headings. Splitting it would change the report."
        ),
        plan=_(
            "We make the table narrower on the report page. The PDF and the spreadsheet "
            "download already show the whole table."
        ),
        planned_for=datetime.date(2027, 3, 1),
    ),
)


@require_safe
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """Public: anyone may read it, before logging in too."""
    return render(
        request,
        "accessibility/statement.html",
        {
            "organisation": settings.ACCESSIBILITY_ORGANISATION,
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
            "response_days": settings.ACCESSIBILITY_RESPONSE_DAYS,
            "statement_date": settings.ACCESSIBILITY_STATEMENT_DATE,
            "site_url": settings.SITE_URL,
            "status": STATUS,
            "status_label": STATUS_LABEL,
            "status_explanation": STATUS_EXPLANATION,
            "standard": STANDARD,
            "tested_widths": TESTED_WIDTHS,
            "known_problems": KNOWN_PROBLEMS,
        },
    )
