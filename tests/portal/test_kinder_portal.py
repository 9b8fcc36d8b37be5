"""The portal is kind: help is one tap from the top of every page, and a
reading date is a suggestion, never a red 'Overdue' (staff keep the facts)."""

import re
from datetime import timedelta

from casework.extensions import db
from casework.portal import service as invites
from casework.practice_text import CRISIS_LINES
from casework.timeutil import local_today

PORTAL_PAGES = (
    "/portal/",
    "/portal/messages",
    "/portal/intervention",
    "/portal/check-in",
    "/portal/consents",
)


def help_link_first(html: str) -> bool:
    """'Need help now?' is in the header, before the page's own content, and
    leads to the crisis lines on the same page, each a tel: link."""
    header = html.split("<main", 1)[0]
    if '<a class="help-now" href="#crisis">Need help now?</a>' not in header:
        return False
    crisis = re.search(r'<section class="panel crisis" id="crisis".*?</section>', html, re.S)
    return crisis is not None and all(
        f'href="{line.href}"' in crisis.group(0) and line.href.startswith("tel:")
        for line in CRISIS_LINES
    )


def test_every_portal_page_has_need_help_now_at_the_top(family, assign, as_user, client):
    (reading,) = assign(family["fran_contact"], "how-recovery-works")
    fran = as_user(family["fran"])
    for path in (*PORTAL_PAGES, f"/portal/reading/{reading.id}"):
        response = fran.get(path)
        assert response.status_code == 200, path
        assert help_link_first(response.get_data(as_text=True)), path


def test_the_invitation_page_has_it_too(family, client):
    case = family["case"]
    contact = next(c for c in case.contacts if c.user_id is None)
    contact.email = "new.member@example.org"
    token = invites.invite(case, family["owner"], contact)
    db.session.commit()
    page = client.get(f"/invite/{token}").get_data(as_text=True)
    assert help_link_first(page)


def test_reading_dates_are_suggestions_for_the_family_and_overdue_for_staff(
    family, assign, as_user
):
    (late,) = assign(family["fran_contact"], "how-recovery-works")
    late.due_on = local_today() - timedelta(days=3)
    db.session.commit()
    suggestion = f"Suggested by {late.due_on:%b} {late.due_on.day}"
    fran = as_user(family["fran"])
    for path in ("/portal/", f"/portal/reading/{late.id}"):
        html = fran.get(path).get_data(as_text=True)
        assert suggestion in html, path
        assert "Overdue" not in html and "badge-danger" not in html, path
    staff = as_user(family["owner"]).get(f"/cases/{family['case'].reference}/education/")
    assert "Overdue" in staff.get_data(as_text=True)
