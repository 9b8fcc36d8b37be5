"""A trend chart is drawn once per process for the same points, and again
when its points change or templates reload."""

from flask import get_template_attribute

from casework.assessment import views
from casework.assessment.charts import trend
from casework.domain.instruments import INSTRUMENTS

POINTS = [("Jan 5", 12), ("Feb 2", 9), ("Mar 1", 6)]


def drawn_by_the_macro(code, points):
    return get_template_attribute("assessment/_trend.html", "trend_svg")(
        trend(INSTRUMENTS[code], points)
    )


def test_the_kept_chart_is_the_one_the_macro_draws(app):
    views._drawn.cache_clear()
    with app.test_request_context():
        first = views.trend_svg("AUDIT", POINTS)
        again = views.trend_svg("AUDIT", list(POINTS))
        assert first == drawn_by_the_macro("AUDIT", POINTS)
        assert again is first  # kept, not drawn again
        assert views._drawn.cache_info().hits == 1

        moved = views.trend_svg("AUDIT", [*POINTS, ("Mar 29", 3)])
        assert moved != first and ">3</text>" in moved


def test_nothing_is_kept_while_templates_reload(app):
    views._drawn.cache_clear()
    app.jinja_env.auto_reload = True
    with app.test_request_context():
        assert views.trend_svg("PHQ-9", POINTS) == drawn_by_the_macro("PHQ-9", POINTS)
    assert views._drawn.cache_info().currsize == 0
