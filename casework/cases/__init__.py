"""The case hub: caseload, intake, overview, contacts and phase changes.

It knows no phase area: each area plugs in through `sections`.
"""


def init_app(app) -> None:
    from casework.cases import section
    from casework.cases.access_views import bp as access_bp
    from casework.cases.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(access_bp)  # break-glass access and the access review
    section.init_app(app)
