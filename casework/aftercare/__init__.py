"""Post-intervention support: follow-up pathways, check-ins, measures over
time, the family's own recovery, and closing well."""


def init_app(app) -> None:
    from casework.aftercare import section, summary_views  # noqa: F401  the summary's route
    from casework.aftercare.views import bp

    app.register_blueprint(bp)
    section.init_app(app)
