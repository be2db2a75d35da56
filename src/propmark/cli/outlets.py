"""``propmark outlet``: what propmark knows about an outlet (facts, prior and where they come from), without scoring."""

from __future__ import annotations

import typer

from propmark.cli._util import app, out, user_errors


@app.command("outlet")
def outlet_cmd(query: str = typer.Argument(..., help="A url, a domain (rt.com) or an outlet name (RT DE).")) -> None:
    """Look an outlet up in the open lists and the hand-checked entries; show its facts and its credibility prior."""
    from propmark.credibility.explain import outlet_words
    from propmark.credibility.outlets import identify
    from propmark.credibility.pooling import sigmoid
    from propmark.credibility.prior import prior_for

    with user_errors():
        meta = {"url": query} if "/" in query or ("." in query and " " not in query) else {"outlet": query}
        match = identify(meta, {}) or (identify({"outlet": query}, {}) if "url" in meta else None)
        out.print(outlet_words(match.as_dict() if match else None), soft_wrap=True)
        prior = prior_for(match.outlet if match else None)
        out.print(f"prior: P(low) {sigmoid(prior.mean):.2f} (log-odds {prior.mean:+.2f}, sd {prior.sd:.2f}) from {prior.basis}", soft_wrap=True)
