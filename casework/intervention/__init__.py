"""The intervention: the plan and approach, the family team, letters, bottom
lines, enabling commitments, treatment lined up, the rehearsal, readiness,
and the day's outcome."""


def init_app(app) -> None:
    from casework.intervention import section
    from casework.intervention.views import bp

    app.register_blueprint(bp)
    section.init_app(app)
