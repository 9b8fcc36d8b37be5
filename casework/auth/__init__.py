"""Accounts: sign-in, sessions, passwords and user administration."""


def init_app(app) -> None:
    from casework.auth import session, throttle, two_factor_views  # noqa: F401  its routes
    from casework.auth.admin_views import bp as users_bp
    from casework.auth.views import bp as auth_bp

    throttle.init_app(app)

    app.register_blueprint(auth_bp)
    app.register_blueprint(users_bp)
    session.register(app)
