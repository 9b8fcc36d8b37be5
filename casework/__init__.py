"""Casework: case management for intervention practices."""

import importlib
import os

from flask import Flask, abort, request
from sqlalchemy import text
from werkzeug.middleware.proxy_fix import ProxyFix

from casework import config as settings
from casework import database
from casework.extensions import csrf, db, limiter, login_manager, migrate
from casework.urls import Casework

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The areas, in the order their case tabs and sections are consulted.
# Adding an area is a package with `init_app(app)` and one entry here.
AREAS = (
    "auth",
    "audit",
    "cases",
    "scheduling",
    "notes",
    "assessment",
    "education",
    "intervention",
    "aftercare",
    "consent",
    "messages",
    "portal",
    "practice",
)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def create_app(config: dict | None = None) -> Flask:
    app = Casework(
        __name__,
        instance_path=os.path.join(ROOT, "instance"),
        instance_relative_config=True,
        template_folder=os.path.join(ROOT, "templates"),
    )
    if config and config.get("TESTING"):
        app.testing = True
    settings.load(app, config)
    if app.config["PROXY_COUNT"]:
        # Behind N proxies: the client's address and scheme as the Nth proxy
        # back saw them. The Host header is the client's own (proxies pass it on).
        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    db.init_app(app)
    database.register(app)
    migrate.init_app(app, db, directory=os.path.join(ROOT, "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.session_protection = "strong"

    from casework import transaction

    transaction.register(app)

    from casework import models  # noqa: F401  every table, for Alembic and create_all

    # Each area registers its pages and, for case areas, its case section.
    for area in AREAS:
        importlib.import_module(f"casework.{area}").init_app(app)

    from casework import cli, errors, templating

    errors.register(app)
    templating.register(app)
    cli.register(app)

    @app.get("/")
    def index():
        from flask import redirect, url_for
        from flask_login import current_user

        from casework.auth.session import landing_url

        if current_user.is_authenticated:
            return redirect(landing_url(current_user))
        return redirect(url_for("auth.login"))

    @app.get("/healthz")
    def healthz():
        try:
            db.session.execute(text("SELECT 1"))
        except Exception:  # any database failure means "not ready"
            return {"status": "unavailable"}, 503
        return {"status": "ok"}

    def refuse_nul_characters():
        """No page's address holds a NUL character (404), no form takes one
        (400), and PostgreSQL can neither store nor compare one. First of the
        request hooks, before any of them reads the database with the path."""
        if "\x00" in request.path:
            abort(404)
        if any(
            "\x00" in name or "\x00" in value
            for name, values in request.values.lists()
            for value in values
        ):
            abort(400)

    app.before_request_funcs.setdefault(None, []).insert(0, refuse_nul_characters)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        if response.mimetype == "text/html":
            response.headers["Cache-Control"] = "no-store"
        if app.config["HTTPS_ONLY"]:
            response.headers["Strict-Transport-Security"] = f"max-age={app.config['HSTS_SECONDS']}"
        return response

    return app
