"""Scheduling: sessions, the calendar, feeds and session handouts."""


def init_app(app) -> None:
    from casework.auth.signals import account_deactivated
    from casework.scheduling import section
    from casework.scheduling.feeds import revoke_feeds
    from casework.scheduling.views import bp

    app.register_blueprint(bp)
    section.init_app(app)
    account_deactivated.connect(revoke_feeds)
