"""Geometry for the server-rendered SVG charts on the feedback page.

Numbers only: the template draws them. Each bar also carries its value as text and its own
fill pattern, so the charts read without colour; the page repeats the numbers in a table.
"""

from decimal import Decimal

WIDTH = 720
LEFT = 210  # room for the row labels
RIGHT = 40
PLOT = WIDTH - LEFT - RIGHT
ROW = 44
BAR = 26
PATTERNS = {
    "quality": "pattern-diagonal",
    "promoting_interoperability": "pattern-dots",
    "improvement_activities": "pattern-cross",
    "cost": "pattern-horizontal",
}


def x_for(points):
    return round(LEFT + PLOT * float(points) / 100, 1)


def score_chart(report, figures):
    """Return the final score bar with the year's thresholds as labelled markers."""
    markers = [
        {
            "x": x_for(figures.performance_threshold / 4),
            "label": f"Full negative at or below {_points(figures.performance_threshold / 4)}",
            "dash": "2 3",
            "row": 0,
        },
        {
            "x": x_for(figures.performance_threshold),
            "label": f"Performance threshold {_points(figures.performance_threshold)}",
            "dash": "8 4",
            "row": 1,
        },
    ]
    if figures.exceptional_threshold is not None:
        markers.append(
            {
                "x": x_for(figures.exceptional_threshold),
                "label": f"Exceptional performance {_points(figures.exceptional_threshold)}",
                "dash": "1 2",
                "row": 2,
            }
        )
    for index, marker in enumerate(markers):
        # A legend under the scale names each line, with a sample of its dash pattern, so
        # labels never cross the lines.
        marker["label_y"] = 104 + 18 * index
        marker["sample_y"] = marker["label_y"] - 4
    return {
        "width": WIDTH,
        "height": 160,
        "left": LEFT,
        "plot": PLOT,
        "bar_y": 40,
        "bar_height": 32,
        "bar_width": round(PLOT * float(report.final_score) / 100, 1),
        "score_x": x_for(report.final_score),
        "final_score": report.final_score,
        "ticks": [{"x": x_for(t), "label": t} for t in range(0, 101, 20)],
        "markers": markers,
    }


def category_chart(report):
    """Return one bar per performance category, its score out of 100 and its weight."""
    rows = []
    for index, (name, (label, score, weight)) in enumerate(
        zip(PATTERNS, report.categories(), strict=True)
    ):
        y = 30 + index * ROW
        rows.append(
            {
                "label": label,
                "pattern": PATTERNS[name],
                "y": y,
                "label_y": y + 11,
                "value_y": y + 25,
                "width": round(PLOT * float(score) / 100, 1) if score is not None else 0,
                "value": (
                    f"{_points(score)} of 100 · weight {weight}%"
                    if score is not None
                    else "Not scored (reweighted)"
                ),
            }
        )
    return {
        "width": WIDTH,
        "height": 30 + 4 * ROW + 30,
        "left": LEFT,
        "plot": PLOT,
        "bar": BAR,
        "rows": rows,
        "ticks": [{"x": x_for(t), "label": t} for t in range(0, 101, 20)],
        "axis_y": 30 + 4 * ROW + 4,
    }


def _points(value):
    value = Decimal(value).normalize()
    return f"{value:f}"
