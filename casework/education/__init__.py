"""Family education: the module library, reading assignments and packets."""


def init_app(app) -> None:
    from casework.education import section
    from casework.education.views import bp

    app.register_blueprint(bp)
    section.init_app(app)
