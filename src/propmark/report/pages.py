"""The report's HTML pages: an overview of a batch and one page per article.

Everything is escaped here, once, because article text is untrusted input: a page that
quotes a hostile site must not run that site's markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from propmark.config import load_config
from propmark.credibility.explain import reason_words, source_words, summary_words
from propmark.credibility.model import band_for
from propmark.result import Credibility, Reason
from propmark.report.aggregate import Group
from propmark.cli.console import short_label
from propmark.report.charts import density_bars

TYPOLOGY = {
    "SC": "state-controlled", "CaPu": "captured public media", "CaPr": "captured private media",
    "ISFM": "independent state-funded and state-managed", "ISF": "independent state-funded",
    "ISM": "independent state-managed", "IP": "independent public media",
}


def page(title: str, body: str, depth: int = 0) -> str:
    up = "../" * depth
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{escape(title)}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="{up}report.css"></head><body>'
            f'<header class="top"><h1>propmark report</h1><a href="{up}index.html">overview</a></header><main>{body}</main>'
            f'<script src="{up}report.js"></script></body></html>\n')


def band_chip(band: str) -> str:
    return f'<span class="band {escape(band)}">{escape(band)}</span>'


def score_bar(score: float | None) -> str:
    if score is None:
        return '<span class="muted">–</span>'
    band = band_for(score, load_config("credibility")["bands"])
    return f'<span class="bar"><i style="width:{100 * score:.0f}%;background:var(--{band})"></i></span>{score:.2f}'


def slug(index: int, article_id: str) -> str:
    return f"{index:05d}-{re.sub(r'[^A-Za-z0-9_.-]+', '_', article_id)[:60]}.html"


def legend(labels: Sequence[str], counts: dict[str, int] | None = None) -> str:
    items = "".join(f'<span class="m-{label}">{escape(short_label(label))}{f" · {counts.get(label, 0)}" if counts is not None else ""}</span>' for label in labels)
    return f'<div class="legend">{items}<span class="muted">hover or focus a sentence for its scores</span></div>'


def _sentence(i: int, s: dict, labels: Sequence[str], thresholds: dict[str, float]) -> str:
    flagged = s["labels"]
    rows = "".join(
        f'<span class="row{" on" if label in flagged else ""}">{escape(short_label(label))}: <b>{s["scores"][label]:.2f}</b>'
        f'{" ✓" if label in flagged else ""}{f" <span class=muted>(threshold {thresholds[label]:.2f})</span>" if label in thresholds else ""}</span>'
        for label in labels)
    tip = f'<span class="tip" role="tooltip">sentence {i}{rows}</span>'
    text = escape(s["text"])
    if not flagged:
        return f'<span class="s" id="s{i}" tabindex="0"><span class="idx">{i}</span>{text}{tip}</span> '
    style = f'style="--c: var(--{flagged[-1]})"'
    return (f'<span class="s flag m-{flagged[0]}" id="s{i}" tabindex="0" data-labels="{" ".join(flagged)}" {style}>'
            f'<span class="idx">{i}</span>{text}{tip}</span> ')


def _paragraphs(record: dict, labels: Sequence[str], thresholds: dict[str, float]) -> str:
    """Sentences in order; a blank line in the source (offset gap > 1) starts a new paragraph."""
    out, current, last_end = [], [], None
    for i, s in enumerate(record["sentences"]):
        if last_end is not None and s["start"] - last_end > 1 and current:
            out.append("<p>" + "".join(current) + "</p>")
            current = []
        current.append(_sentence(i, s, labels, thresholds))
        last_end = s["end"]
    if current:
        out.append("<p>" + "".join(current) + "</p>")
    return "".join(out)


def _outlet_facts(record: dict) -> str:
    outlet = (record["credibility"] or {}).get("outlet")
    meta = record.get("meta", {})
    given = ", ".join(f"{k}: {escape(str(meta[k]))}" for k in ("outlet", "url") if meta.get(k)) or "no url or outlet given"
    if outlet is None:
        return f'<p class="muted">On no outlet list (ASD, FakeNewsCorpus, defaults/outlets.yaml); {given}.</p>'
    sources = "".join(f"<li>{escape(source_words(src))}</li>" for src in outlet["sources"][:12])
    typology = outlet.get("typology")
    status = "yes" if outlet["state_controlled"] else ("no" if typology else "not listed by ASD")
    fnc = ", ".join(outlet.get("fnc_types") or []) or "not listed"
    how = {"url": "the article's url", "outlet": "the article's outlet field", "disclaimer": "the outlet naming itself in sentence"}[outlet["matched_by"]]
    evidence = f'<a href="#s{escape(outlet["evidence"])}">{escape(outlet["evidence"])}</a>' if outlet["matched_by"] == "disclaimer" else escape(outlet["evidence"])
    return (f'<dl class="facts"><dt>outlet</dt><dd><b>{escape(outlet["name"])}</b> {escape(outlet.get("key") or "")}</dd>'
            f'<dt>owner</dt><dd>{escape(outlet["owner"] or "–")}</dd><dt>country</dt><dd>{escape(outlet["country"] or "–")}</dd>'
            f'<dt>ASD typology</dt><dd>{escape(typology or "–")}{": " + escape(TYPOLOGY.get(typology, "")) if typology else ""}</dd>'
            f'<dt>state-controlled</dt><dd>{status}</dd><dt>FakeNewsCorpus</dt><dd>{escape(fnc)}</dd>'
            f'<dt>matched by</dt><dd>{how} {evidence}</dd><dt>sources</dt><dd><ul>{sources}</ul></dd></dl>'
            '<p class="muted">Facts about the outlet, not a verdict: they enter the score only as its prior.</p>')


def _reasons(record: dict) -> str:
    cred = Credibility(**{**record["credibility"], "reasons": [Reason(**r) for r in record["credibility"]["reasons"]]})
    if not cred.reasons:
        return '<p class="muted">No marker or outlet fact moved the score from a typical real page.</p>'
    items = []
    for r in cred.reasons:
        links = ", ".join(f'<a href="#s{i}">{i}</a>' for i in r.sentences[:20]) + (" …" if len(r.sentences) > 20 else "")
        where = f' <span class="muted">sentences {links}</span>' if links else ""
        items.append(f'<li><span class="eff">{r.effect:+.2f}</span> {escape(reason_words(r, cred))}{where}</li>')
    return f'<ul class="reasons">{"".join(items)}</ul>'


def article_page(record: dict, title: str, labels: Sequence[str], thresholds: dict[str, float]) -> str:
    cred = record["credibility"]
    where = f' · {escape(record["source"])}' if record["source"] != record["id"] else ""
    head = (f'<h2 style="margin-top:0">{escape(title)}</h2><p class="muted">{escape(record["id"])}{where} · '
            f'language {escape(record["lang"])} · {len(record["sentences"])} sentences</p>')
    judged = (f'<div class="n">{cred["score"]:.2f} {band_chip(cred["band"])}</div>'
              f'<p class="muted">{escape(summary_words(Credibility(cred["score"], cred["band"], [], None, cred.get("evidence"))))}</p>'
              f'<p class="muted">What moved it (each one\'s effect on the score: as it is, minus a typical real page):</p>{_reasons(record)}'
              if cred else '<p class="muted">No credibility model in the model folder that scored this.</p>')
    summary = (f'<div class="grid2"><div class="card"><div class="l">credibility</div>{judged}</div>'
               f'<div class="card"><div class="l">outlet facts</div>{_outlet_facts(record)}</div></div>')
    text = f'<h2>Text</h2>{legend(labels, record["markers"])}<div class="text">{_paragraphs(record, labels, thresholds)}</div>'
    return page(f"{title} · propmark", head + summary + text, depth=1)


def _group_table(groups: Sequence[Group], labels: Sequence[str], what: str) -> str:
    head = "".join(f'<th class="num">{escape(short_label(label))} /1k</th>' for label in labels)
    pooled = any(g.pooled for g in groups)
    rows = []
    for g in groups:
        bands = ", ".join(f"{k} {v}" for k, v in sorted(g.bands.items()))
        dens = "".join(f'<td class="num">{g.density(label):.1f}</td>' for label in labels)
        if pooled:
            low, high = g.pooled.interval() if g.pooled else (0.0, 0.0)
            cells = (f'<td class="num" data-v="{g.pooled.score:.4f}">{score_bar(g.pooled.score)} {band_chip(g.pooled_band)}'
                     f' <span class="muted">{low:.2f}-{high:.2f}; {escape(g.pooled.prior.basis)}</span></td>' if g.pooled else '<td class="num">–</td>')
        else:
            cells = f'<td class="num" data-v="{g.mean_score:.4f}">{score_bar(g.mean_score)}</td>'
        rows.append(f'<tr><td>{escape(g.name)}</td><td class="num">{g.articles}</td>{cells}<td>{escape(bands)}</td>{dens}</tr>')
    score_head = "outlet credibility (prior + articles; 95% interval)" if pooled else "mean credibility"
    return (f'<table class="sortable"><thead><tr><th>{what}</th><th class="num">articles</th><th class="num">{score_head}</th><th>article bands</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def overview_page(rows: Sequence[dict], outlets: Sequence[Group], languages: Sequence[Group], labels: Sequence[str], source: str) -> str:
    """``rows``: one summary per article (id, href, title, outlet, lang, sentences, markers, score, band, reason)."""
    bands = {b: sum(1 for r in rows if r["band"] == b) for b in [*load_config("credibility")["bands"], "unrated"]}
    flagged = {label: sum(r["markers"].get(label, 0) for r in rows) for label in labels}
    cards = [("articles", len(rows)), ("sentences", sum(r["sentences"] for r in rows))] + [(f"{b} credibility", n) for b, n in bands.items()]
    card_html = "".join(f'<div class="card"><div class="n">{n}</div><div class="l">{escape(label)}</div></div>' for label, n in cards)
    marker_head = "".join(f'<th class="num">{escape(short_label(label))}</th>' for label in labels)
    article_rows = []
    for r in rows:
        counts = "".join(f'<td class="num">{r["markers"].get(label, 0)}</td>' for label in labels)
        article_rows.append(
            f'<tr><td class="num" data-v="{-1 if r["score"] is None else r["score"]:.4f}">{score_bar(r["score"])}</td><td>{band_chip(r["band"])}</td>'
            f'<td><a href="articles/{escape(r["href"])}">{escape(r["title"])}</a><br><span class="muted">{escape(r["id"])}</span></td>'
            f'<td>{escape(r["outlet"])}</td><td>{escape(r["lang"])}</td><td class="num">{r["sentences"]}</td>{counts}<td>{escape(r["reason"])}</td></tr>')
    body = (f'<p class="muted">Results: {escape(source)}</p><div class="cards">{card_html}</div>'
            f'<h2>Marker density</h2>{legend(labels, flagged)}<div class="grid2"><div class="card">{density_bars(outlets, labels, "by outlet (least credible first)")}</div>'
            f'<div class="card">{density_bars(languages, labels, "by language")}</div></div>'
            f'<h2>Outlets</h2>{_group_table(outlets, labels, "outlet")}'
            f'<h2>Articles, least credible first</h2><input id="filter" class="filter" placeholder="filter by title, outlet, language…" aria-label="filter articles">'
            f'<table id="articles" class="sortable"><thead><tr><th class="num">credibility</th><th>band</th><th>article</th><th>outlet</th><th>lang</th>'
            f'<th class="num">sent.</th>{marker_head}<th>main reason</th></tr></thead><tbody>{"".join(article_rows)}</tbody></table>')
    return page("propmark report", body)
