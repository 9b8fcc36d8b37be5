"""Consent to disclose under 42 CFR Part 2: consents per person, signed on
paper or in the portal, revoked at once, and the accounting of disclosures."""


def init_app(app) -> None:
    pass
