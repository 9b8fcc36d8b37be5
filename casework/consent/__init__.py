"""Consent to disclose under 42 CFR Part 2: consents per person, signed on
paper or in the portal, revoked at once, and the accounting of disclosures."""


def init_app(app) -> None:
    from casework.consent import section
    from casework.consent.views import bp

    app.register_blueprint(bp)
    section.init_app(app)
