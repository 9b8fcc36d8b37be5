"""The clinical record: session and contact notes, signing and locking,
addenda, supervision, and the case record export."""


def init_app(app) -> None:
    # record_views adds the record export's routes to the notes blueprint.
    from casework.notes import record_views, section  # noqa: F401
    from casework.notes.views import bp

    app.register_blueprint(bp)
    section.init_app(app)
