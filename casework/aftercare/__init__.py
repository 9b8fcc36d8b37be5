"""Post-intervention support: follow-up pathways, check-ins, measures over
time, the family's own recovery, and closing well."""

import importlib.util


def init_app(app) -> None:
    from casework.aftercare import section
    from casework.aftercare.views import bp

    # The summary's route, beside the tab's (a file of its own).
    if importlib.util.find_spec("casework.aftercare.summary_views") is not None:
        importlib.import_module("casework.aftercare.summary_views")
    app.register_blueprint(bp)
    section.init_app(app)
