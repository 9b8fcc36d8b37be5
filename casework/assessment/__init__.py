"""Assessment: the structured assessment, screenings, risk flags and safety plans."""


def init_app(app) -> None:
    from casework.assessment import section
    from casework.assessment.views import bp

    app.register_blueprint(bp)
    section.init_app(app)
