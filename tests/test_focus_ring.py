"""The keyboard focus ring has at least 3:1 contrast (WCAG relative luminance)
against every page background and every control colour, computed from the
stylesheet's own values: a dark outer ring on the light pages, a white inner
ring on the dark controls (the amber ring it replaces was about 1.9:1 on white)."""

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[1] / "casework/static/css/casework.css").read_text()


def variables() -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;", CSS))


def colour(value: str) -> str:
    """A #rrggbb from a value or a var(--name) of the stylesheet."""
    value = value.strip()
    if found := re.fullmatch(r"var\(--([a-z-]+)\)", value):
        return variables()[found.group(1)]
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", value), value
    return value


def luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def ring() -> tuple[str, str]:
    """The outer (outline) and inner (box-shadow) colours of :focus-visible."""
    (rule,) = re.findall(r"^:focus-visible\s*\{([^}]*)\}", CSS, re.M)
    outer = re.search(r"outline:\s*\d+px solid ([^;]+);", rule).group(1)
    inner = re.search(r"box-shadow:\s*0 0 0 \d+px ([^;]+);", rule).group(1)
    return colour(outer), colour(inner)


PAGES = ["paper", "canvas", "accent-tint", "danger-tint", "warn-tint", "ok-tint"]
DARK_CONTROLS = ["accent", "accent-dark", "danger", "ok", "ink"]


def test_the_formula_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#f0a800", "#ffffff") < 3  # the old ring on white


@pytest.mark.parametrize("page", PAGES)
def test_the_outer_ring_stands_out_on_every_page_background(page):
    outer, _ = ring()
    assert contrast(outer, variables()[page]) >= 3


@pytest.mark.parametrize("control", DARK_CONTROLS)
def test_the_inner_ring_stands_out_on_every_dark_control(control):
    _, inner = ring()
    assert contrast(inner, variables()[control]) >= 3


def test_the_two_rings_stand_out_from_each_other():
    outer, inner = ring()
    assert contrast(outer, inner) >= 3
    # Light controls (white buttons and fields) sit on the page: the outer ring shows.
    assert contrast(outer, "#ffffff") >= 3
