"""The audit log: who did what to which record, when and from where."""


def init_app(app) -> None:
    from casework.audit.views import bp

    app.register_blueprint(bp)
