"""The clinical record: session and contact notes, signing and locking,
addenda, supervision, and the case record export."""


def init_app(app) -> None:
    from casework.notes import section
    from casework.notes.views import bp

    app.register_blueprint(bp)
    section.init_app(app)
