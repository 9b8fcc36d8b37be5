"""Scheduling: sessions, the calendar, feeds and session handouts."""


def init_app(app) -> None:
    from casework.scheduling import section
    from casework.scheduling.views import bp

    app.register_blueprint(bp)
    section.init_app(app)
