"""The family portal: what a family member may see of their own case."""


def init_app(app) -> None:
    from casework.auth.signals import account_deactivated
    from casework.domain.reading_pace import progress_words, suggested_by
    from casework.messages import portal_views  # noqa: F401  (its routes join the portal's)
    from casework.portal.invites import bp as invites_bp
    from casework.portal.service import withdraw_invites
    from casework.portal.views import bp as portal_bp

    app.jinja_env.globals.update(suggested_by=suggested_by, reading_progress=progress_words)
    app.register_blueprint(portal_bp)
    app.register_blueprint(invites_bp)
    account_deactivated.connect(withdraw_invites)
