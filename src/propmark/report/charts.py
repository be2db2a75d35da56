"""Inline SVG charts: no script, no library and no network, so a report opens from a file anywhere."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from propmark.report.aggregate import Group


def density_bars(groups: Sequence[Group], labels: Sequence[str], title: str, limit: int = 15) -> str:
    """Grouped horizontal bars: flagged sentences per 1,000 words, one bar per marker."""
    shown = list(groups)[:limit]
    top = max([g.density(label) for g in shown for label in labels] + [1e-9])
    row_h, bar_h, left, width = 14 * len(labels) + 12, 12, 190, 420
    height = 30 + row_h * len(shown)
    parts = [f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {left + width + 60} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">',
             f'<text x="0" y="14" font-weight="600">{escape(title)}</text>']
    for r, group in enumerate(shown):
        y0 = 26 + r * row_h
        name = group.name if len(group.name) <= 28 else group.name[:27] + "…"
        parts.append(f'<text x="0" y="{y0 + row_h / 2}">{escape(name)} <tspan fill="#5d6575">({group.articles})</tspan></text>')
        for k, label in enumerate(labels):
            value = group.density(label)
            w = width * value / top
            y = y0 + k * 14
            parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="var(--{label})"><title>{escape(group.name)}: '
                         f'{escape(label)} {value:.1f} per 1,000 words</title></rect>')
            parts.append(f'<text x="{left + w + 4:.1f}" y="{y + 10}" fill="#5d6575">{value:.1f}</text>')
    parts.append("</svg>")
    return "".join(parts)
