"""Trend charts as plain geometry, drawn as inline SVG by a template.

Server-rendered, no JavaScript: the same SVG shows on screen and in print.
"""

from dataclasses import dataclass

WIDTH, HEIGHT = 560, 200
# TOP leaves room for the score printed above a point at the top of the scale.
LEFT, RIGHT, TOP, BOTTOM = 36, 150, 20, 28
# Band labels sit right of the plot, wrapped to the room there rather than cut:
# DejaVu Sans (the embedded print font) averages under 0.6 em a character.
LABEL_X, LABEL_SIZE, LABEL_LINE = WIDTH - RIGHT + 6, 9, 10
LABEL_CHARS = int((RIGHT - 10) / (LABEL_SIZE * 0.6))

# Soft fills by severity; the good end of BARC-10 is "high".
FILLS = {
    "none": "#eef6f0",
    "low": "#eef6f0",
    "minimal": "#eef6f0",
    "mild": "#fdf6e3",
    "moderate": "#fbeedd",
    "moderately_severe": "#f8e1d8",
    "high": "#f6dcdc",
    "severe": "#f3d3d3",
}
GOOD_FILLS = {"low": "#fdf6e3", "high": "#eef6f0"}


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bands: list[dict]
    points: list[dict]
    line: str
    y_ticks: list[dict]
    x_labels: list[dict]
    title: str


def trend(instrument, scores: list[tuple[str, int]]) -> Chart:
    """scores: (label for the x axis, total) oldest first."""
    low, high = instrument.min_total, instrument.max_total
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return round(TOP + plot_h * (1 - (value - low) / (high - low)), 1)

    def x(index: int) -> float:
        if len(scores) == 1:
            return LEFT + plot_w / 2
        return round(LEFT + plot_w * index / (len(scores) - 1), 1)

    fills = GOOD_FILLS if instrument.higher_is_better else FILLS
    bands = []
    for band in instrument.bands:
        top, bottom = (
            y(band.max + 0.5 if band.max < high else high),
            y(band.min - 0.5 if band.min > low else low),
        )
        bands.append(
            {
                "y": top,
                "height": round(bottom - top, 1),
                "fill": fills.get(band.severity, "#f2f4f7"),
                "label": band.label,
                "label_lines": (lines := wrap_label(band.label)),
                # The block of lines centred on the band (the baseline sits ~3 below the middle).
                "label_y": round((top + bottom) / 2 + 3 - LABEL_LINE * (len(lines) - 1) / 2, 1),
            }
        )
    points = [
        {"x": x(i), "y": y(total), "total": total, "label": label}
        for i, (label, total) in enumerate(scores)
    ]
    step = max(1, (high - low) // 4)
    ticks = [{"y": y(v), "value": v} for v in range(low, high + 1, step)]
    if ticks[-1]["value"] != high:
        # Always label the top of the scale; drop the tick below it if they would crowd.
        if high - ticks[-1]["value"] <= step / 2:
            ticks.pop()
        ticks.append({"y": y(high), "value": high})
    shown = points if len(points) <= 6 else [points[0], points[len(points) // 2], points[-1]]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        bands=bands,
        points=points,
        line=" ".join(f"{p['x']},{p['y']}" for p in points),
        y_ticks=ticks,
        x_labels=[{"x": p["x"], "label": p["label"]} for p in shown],
        title=f"{instrument.code} totals over time",
    )


def wrap_label(label: str, width: int = LABEL_CHARS) -> list[str]:
    """A band's label in lines of at most `width` characters, broken at spaces
    (a word longer than a line stays whole)."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines
