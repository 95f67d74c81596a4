"""The server-rendered SVG charts on the feedback pages.

Each bar also carries its value as text and its own fill pattern, so the charts read without
colour; the page repeats the numbers in a table. The markup is built here in one pass:
drawn node by node in a template, the charts were the costliest part of the page.
"""

from decimal import Decimal

from django.utils.html import format_html, format_html_join

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
SCORE_HEIGHT = 160
SCORE_BAR_Y = 40
SCORE_BAR_HEIGHT = 32
CATEGORY_HEIGHT = 30 + 4 * ROW + 30
CATEGORY_AXIS_Y = 30 + 4 * ROW + 4

SCORE_SVG = """<svg class="feedback-chart" role="img" aria-labelledby="score-chart-title score-chart-desc" viewBox="0 0 {width} {height}" width="{width}" height="{height}">
    <desc id="score-chart-desc">A bar from 0 to {final_score} on a scale of 0 to 100 points, with marks at {marker_labels}.</desc>
    <defs>
      <pattern id="pattern-score" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#d9e8f6"/><line x1="0" y1="0" x2="0" y2="8" stroke="#1a4480" stroke-width="4"/></pattern>
    </defs>
    <text x="0" y="{label_y}" font-size="14" font-weight="bold" fill="#1b1b1b">Final score</text>
    <rect x="{left}" y="{bar_y}" width="{plot}" height="{bar_height}" fill="#ffffff" stroke="#565c65"/>
    <rect x="{left}" y="{bar_y}" width="{bar_width}" height="{bar_height}" fill="url(#pattern-score)" stroke="#1a4480" stroke-width="2"/>
    <text x="{score_x}" y="{score_y}" font-size="14" font-weight="bold" text-anchor="middle" fill="#1b1b1b">{final_score}</text>
{markers}
{ticks}
  </svg>"""  # noqa: E501
MARKER = """    <line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#1b1b1b" stroke-width="2" stroke-dasharray="{}"/>
    <line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#1b1b1b" stroke-width="2" stroke-dasharray="{}"/>
    <text x="{}" y="{}" font-size="12" fill="#1b1b1b">{}</text>"""  # noqa: E501
CATEGORY_SVG = """<svg class="feedback-chart" role="img" aria-labelledby="category-chart-title category-chart-desc" viewBox="0 0 {width} {height}" width="{width}" height="{height}">
    <desc id="category-chart-desc">{description}</desc>
    <defs>
      <pattern id="pattern-diagonal" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#e7f2f5"/><line x1="0" y1="0" x2="0" y2="8" stroke="#00687d" stroke-width="3"/></pattern>
      <pattern id="pattern-dots" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="#f2e4d4"/><circle cx="4" cy="4" r="2.2" fill="#8b5a00"/></pattern>
      <pattern id="pattern-cross" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="#ecf3ec"/><path d="M0 0L8 8M8 0L0 8" stroke="#2e6b30" stroke-width="1.5"/></pattern>
      <pattern id="pattern-horizontal" width="8" height="6" patternUnits="userSpaceOnUse"><rect width="8" height="6" fill="#f3e1f4"/><line x1="0" y1="3" x2="8" y2="3" stroke="#6b2b6e" stroke-width="2"/></pattern>
    </defs>
{rows}
{ticks}
  </svg>"""  # noqa: E501
CATEGORY_ROW = """    <text x="0" y="{}" font-size="13" font-weight="bold" fill="#1b1b1b">{}</text>
    <text x="0" y="{}" font-size="12" fill="#1b1b1b">{}</text>
    <rect x="{}" y="{}" width="{}" height="{}" fill="#ffffff" stroke="#a9aeb1"/>{}"""
CATEGORY_BAR = (
    '\n    <rect x="{}" y="{}" width="{}" height="{}" fill="url(#{})" stroke="#1b1b1b"/>'
)
TICK = '    <text x="{}" y="{}" font-size="11" text-anchor="middle" fill="#565c65">{}</text>'


def x_for(points):
    return round(LEFT + PLOT * float(points) / 100, 1)


def _ticks(y):
    """The scale's labels, every 20 points, on the line ``y``."""
    return format_html_join("\n", TICK, ((x_for(t), y, t) for t in range(0, 101, 20)))


SCORE_TICKS = _ticks(SCORE_BAR_Y + SCORE_BAR_HEIGHT + 14)
CATEGORY_TICKS = _ticks(CATEGORY_AXIS_Y + 12)


def _score_markers(figures):
    """Return [(x, label, dash)] of the year's thresholds on the final score's scale."""
    quarter = figures.performance_threshold / 4
    markers = [
        (x_for(quarter), f"Full negative at or below {_points(quarter)}", "2 3"),
        (
            x_for(figures.performance_threshold),
            f"Performance threshold {_points(figures.performance_threshold)}",
            "8 4",
        ),
    ]
    if figures.exceptional_threshold is not None:
        markers.append(
            (
                x_for(figures.exceptional_threshold),
                f"Exceptional performance {_points(figures.exceptional_threshold)}",
                "1 2",
            )
        )
    return markers


def score_chart(report, figures):
    """Return the SVG of the final score bar with the year's thresholds as markers."""
    markers = _score_markers(figures)
    # A legend under the scale names each line, with a sample of its dash pattern, so
    # labels never cross the lines.
    marker_lines = format_html_join(
        "\n",
        MARKER,
        (
            (
                x,
                SCORE_BAR_Y - 4,
                x,
                SCORE_BAR_Y + SCORE_BAR_HEIGHT + 4,
                dash,
                LEFT,
                104 + 18 * index - 4,
                LEFT + 36,
                104 + 18 * index - 4,
                dash,
                LEFT + 44,
                104 + 18 * index,
                label,
            )
            for index, (x, label, dash) in enumerate(markers)
        ),
    )
    return format_html(
        SCORE_SVG,
        width=WIDTH,
        height=SCORE_HEIGHT,
        final_score=report.final_score,
        marker_labels=", ".join(label for _x, label, _dash in markers),
        label_y=SCORE_BAR_Y + 21,
        left=LEFT,
        bar_y=SCORE_BAR_Y,
        plot=PLOT,
        bar_height=SCORE_BAR_HEIGHT,
        bar_width=round(PLOT * float(report.final_score) / 100, 1),
        score_x=x_for(report.final_score),
        score_y=SCORE_BAR_Y - 8,
        markers=marker_lines,
        ticks=SCORE_TICKS,
    )


def _category_rows(report):
    """Return [(label, pattern, bar width, value text)] of the categories, in page order."""
    return [
        (
            label,
            PATTERNS[name],
            round(PLOT * float(score) / 100, 1) if score is not None else 0,
            (
                f"{_points(score)} of 100 · weight {weight}%"
                if score is not None
                else "Not scored (reweighted)"
            ),
        )
        for name, (label, score, weight) in zip(PATTERNS, report.categories(), strict=True)
    ]


def category_chart(report):
    """Return the SVG of one bar per performance category, its score out of 100 and its
    weight."""
    rows = _category_rows(report)
    drawn = []
    for index, (label, pattern, width, value) in enumerate(rows):
        y = 30 + index * ROW
        bar = format_html(CATEGORY_BAR, LEFT, y, width, BAR, pattern) if width else ""
        drawn.append((y + 11, label, y + 25, value, LEFT, y, PLOT, BAR, bar))
    return format_html(
        CATEGORY_SVG,
        width=WIDTH,
        height=CATEGORY_HEIGHT,
        description="".join(f"{label}: {value}. " for label, _p, _w, value in rows),
        rows=format_html_join("\n", CATEGORY_ROW, drawn),
        ticks=CATEGORY_TICKS,
    )


def _points(value):
    value = Decimal(value).normalize()
    return f"{value:f}"
