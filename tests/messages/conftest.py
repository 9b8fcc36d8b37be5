"""Fran and Sam, two members of one case, and Olive of another (tests/portal/conftest.py)."""

from tests.portal.conftest import family, modules  # noqa: F401
