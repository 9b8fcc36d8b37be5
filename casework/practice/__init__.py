"""The supervisor's view of the practice: what needs a supervisor's eye
across every caseload, on one page."""


def init_app(app) -> None:
    from casework.practice.views import bp

    app.register_blueprint(bp)
