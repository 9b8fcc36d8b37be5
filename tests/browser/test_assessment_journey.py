"""Give a PHQ-9 twice from the case's Assessment tab and watch the trend chart grow."""

from datetime import date, timedelta

import pytest

from casework.auth.models import Role
from casework.timeutil import local_today
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

# PHQ-9 options: 0 Not at all, 1 Several days, 2 More than half the days, 3 Nearly every day.
LABELS = ("Not at all", "Several days", "More than half the days", "Nearly every day")
FIRST = (2, 2, 2, 2, 1, 1, 1, 1, 0)  # 12: moderate depression, nothing on item 9
SECOND = (1, 1, 1, 1, 1, 1, 1, 0, 0)  # 7: mild depression


def give_phq9(page, answers, on: date) -> None:
    page.get_by_role("link", name="PHQ-9", exact=True).click()
    page.wait_for_url("**/screenings/PHQ-9/new")
    page.get_by_label("Date given").fill(on.isoformat())
    items = page.locator("fieldset.item")
    assert items.count() == len(answers)
    for n, value in enumerate(answers):
        items.nth(n).get_by_role("radio", name=LABELS[value], exact=True).click()
    page.get_by_role("button", name="Score it").click()
    page.wait_for_url("**/assessment/#screenings")


def test_give_a_phq9_twice_and_see_the_trend(live_server, page, factory):
    me = factory.user(Role.INTERVENTIONIST, name="Jordan Reyes", email="jordan@example.org")
    case = factory.case(
        me, loved_one_name="Naomi Feldman", phase="assessment", concerns=["mental_health"]
    )
    sign_in(page, live_server.url, me.email, PASSWORD)
    page.wait_for_url("**/cases/")
    page.get_by_role("link", name=case.reference).click()
    page.wait_for_url(f"**/cases/{case.reference}/")
    page.get_by_role("navigation", name="Case sections").get_by_role(
        "link", name="Assessment"
    ).click()
    page.wait_for_url("**/assessment/")
    assert "No screenings yet." in page.locator("#screenings").inner_text()

    today = local_today()
    give_phq9(page, FIRST, today - timedelta(days=14))
    assert "PHQ-9: 12 (Moderate depression)." in page.locator(".alert-success").inner_text()
    card = page.locator(".score-card")
    assert card.count() == 1
    assert card.locator(".score-total").inner_text() == "12"
    assert card.locator(".badge").first.inner_text() == "Moderate depression"
    assert "Further evaluation advised" in card.inner_text()
    chart = card.locator("svg.trend")
    assert chart.count() == 1
    assert chart.locator("circle").count() == 1
    assert chart.locator("polyline").count() == 0  # one point, no line yet
    assert "1 administration" in card.inner_text()

    give_phq9(page, SECOND, today)
    card = page.locator(".score-card")
    assert card.locator(".score-total").inner_text() == "7"
    assert card.locator(".badge").first.inner_text() == "Mild depression"
    chart = card.locator("svg.trend")
    points = chart.locator("polyline").get_attribute("points").split()
    assert len(points) == 2
    (x1, y1), (x2, y2) = (tuple(float(v) for v in p.split(",")) for p in points)
    assert x1 < x2 and y1 < y2  # later to the right; a lower score sits lower on the chart
    assert chart.locator("circle").count() == 2
    assert "2 administrations" in card.inner_text()
    screenshot(page, "assessment")
