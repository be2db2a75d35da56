"""A sequence layer over a page's units: a small bidirectional GRU that reads the whole page.

The context head sees one neighbour on each side, but furniture and blocks of pleas run
for dozens of lines, and whether a line is the page's own content depends on the page
around it (the failure kinds on real pages are about blocks and layout). The layer reads,
per unit, a projection of its embedding, the context head's logits, its position and,
where the input was HTML, its layout (tag, link density, furniture region), and adds a
correction to the head's logits. Its output layer starts at zero, so an untrained layer
leaves the head's answer as it was. It is trained after the encoder, on frozen embeddings
(minutes on a CPU, ``propmark.training.sequence``), and kept only where the dev split says
it helps.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

REGIONS = ("nav", "header", "footer", "aside", "comments")
TAGS = (("h1", "h2", "h3", "h4", "h5", "h6"), ("li", "dt", "dd"), ("a", "button"), ("p",), ("td", "th"))
LAYOUT_DIM = 2 + len(REGIONS) + len(TAGS)  # is-HTML, link density, region one-hot, tag-group one-hot


def layout_features(layouts: Sequence[dict | None] | None, n: int) -> torch.Tensor:
    """(n, LAYOUT_DIM) features; all zero for a unit with no layout (plain text input)."""
    out = torch.zeros(n, LAYOUT_DIM)
    for i, layout in enumerate(layouts or ()):
        if not layout:
            continue
        out[i, 0] = 1.0
        out[i, 1] = float(layout.get("link_density") or 0.0)
        region = layout.get("region") or ""
        if region in REGIONS:
            out[i, 2 + REGIONS.index(region)] = 1.0
        tag = layout.get("tag") or ""
        for g, group in enumerate(TAGS):
            if tag in group:
                out[i, 2 + len(REGIONS) + g] = 1.0
    return out


class SequenceLayer(nn.Module):
    def __init__(self, embed_dim: int, n_labels: int, n_position: int, hidden: int, project: int, dropout: float,
                 layout: bool = True) -> None:
        super().__init__()
        self.use_layout = layout  # off: the layout columns stay zero (the ablation without layout)
        self.project = nn.Sequential(nn.Linear(embed_dim, project), nn.GELU(), nn.Dropout(dropout))
        self.gru = nn.GRU(project + n_labels + n_position + LAYOUT_DIM, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, n_labels)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, embeddings: torch.Tensor, logits: torch.Tensor, positions: torch.Tensor, layout: torch.Tensor) -> torch.Tensor:
        """The corrected logits of one document's units, read in order."""
        if not self.use_layout:
            layout = torch.zeros_like(layout)
        features = torch.cat([self.project(embeddings), logits, positions, layout], dim=1).unsqueeze(0)
        states, _ = self.gru(features)
        return logits + self.out(states.squeeze(0))
