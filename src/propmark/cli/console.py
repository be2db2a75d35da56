"""Terminal views: the batch summary table, the per-article check view and metric tables."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from propmark.config import load_config
from propmark.result import Result


def _colors() -> dict[str, str]:
    return dict(load_config("labels").get("colors", {}))


def short_label(label: str) -> str:
    return {"boilerplate": "boiler", "appeal": "appeal", "unsourced_attribution": "unsourced", "state_media_disclaimer": "state-media"}.get(label, label)


def summary_table(results: Sequence[dict], labels: Sequence[str]) -> Table:
    table = Table(title="propmark score", show_lines=False)
    table.add_column("article", overflow="fold")
    table.add_column("lang")
    table.add_column("sent.", justify="right")
    colors = _colors()
    for label in labels:
        table.add_column(Text(short_label(label), style=colors.get(label, "")), justify="right")
    table.add_column("credibility", justify="right")
    for r in results:
        cred = r.credibility
        style = {"high": "green", "mixed": "yellow", "low": "red"}.get(cred.band, "") if cred else "dim"
        table.add_row(
            r.id, r.lang, str(len(r.sentences)), *(str(r.markers.get(x, 0)) for x in labels),
            Text(f"{cred.score:.2f} {cred.band}" if cred else "none", style=style),
        )
    return table


def batch_summary(summary) -> Text:
    """The closing lines of a batch: what was scored, how fast, what failed and where it is listed."""
    rate = summary.scored / summary.seconds if summary.seconds else 0.0
    text = Text(f"scored {summary.scored} articles ({summary.sentences} sentences) in {summary.seconds:.1f} s, {rate:.1f} articles/s", style="bold")
    if summary.resumed:
        text.append(f"; {summary.resumed} already done (resumed)")
    if summary.scored:
        text.append("\nmarkers: " + ", ".join(f"{k} {v}" for k, v in summary.markers.items()))
        text.append("\ncredibility bands: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.bands.items())))
    if summary.out:
        text.append(f"\nresults: {summary.out}")
    for problem in summary.problem_samples:
        text.append(f"\nskipped {problem.source}: {problem.reason}", style="yellow")
    if summary.problems:
        where = f", listed in {summary.errors}" if summary.errors else ""
        text.append(f"\n{summary.problems} input(s) could not be scored{where}", style="yellow")
    return text


def legend(labels: Sequence[str]) -> Text:
    colors = _colors()
    text = Text("legend: ")
    for label in labels:
        text.append(f" {label} ", style=f"bold black on {colors.get(label, 'white')}")
        text.append(" ")
    return text


def article_view(result: Result, labels: Sequence[str], flagged_only: bool = False) -> list[Text]:
    """One line per sentence; flagged ones coloured by their first label, with label scores."""
    colors = _colors()
    lines = []
    for i, s in enumerate(result.sentences):
        if flagged_only and not s.labels:
            continue
        line = Text(f"{i:>3} ", style="dim")
        if s.labels:
            line.append(s.text, style=colors.get(s.labels[0], "bold"))
            tags = ", ".join(f"{short_label(x)} {s.scores[x]:.2f}" for x in s.labels)
            line.append(f"  [{tags}]", style="bold")
        else:
            line.append(s.text)
        lines.append(line)
    return lines


def credibility_text(result: Result) -> Text:
    from propmark.credibility.explain import outlet_words, reason_words, summary_words

    cred = result.credibility
    if cred is None:
        return Text("credibility: none (the model folder has no credibility model)", style="dim")
    text = Text(summary_words(cred), style="bold")
    for reason in cred.reasons:
        sent = ", ".join(str(i) for i in reason.sentences[:12])
        more = "…" if len(reason.sentences) > 12 else ""
        where = f" (sentences {sent}{more})" if sent else ""
        text.append(f"\n  {reason.effect:+.2f} {reason_words(reason, cred)}{where}")
    text.append("\n" + outlet_words(cred.outlet), style="dim")
    return text


def credibility_fit_table(model) -> Table:
    """Each feature's real-page signal and weight, then held-out AUROC / calibration for prior, content and both."""
    table = Table(title="content evidence: log-odds(low) = intercept + Σ weight·z (z: place among real pages)")
    for col in ("feature", "AUROC, real train", "95% interval", "weight"):
        table.add_column(col, justify="left" if col == "feature" else "right")
    info = model.info
    for name, weight in zip(model.features, model.weights):
        signal = info["feature_signal"][name]
        table.add_row(name, str(signal["auroc"]), str(signal["auroc_95"]), f"{weight:+.3f}" if weight else "0 (no signal)")
    table.add_row("intercept (real pages)", "", "", f"{model.intercept:+.3f}")
    evaluation = Table(title="held-out articles, P(low): AUROC [95% interval] / ECE")
    for col in ("test set", "articles", "low", "content", "prior", "both", "marker count"):
        evaluation.add_column(col, justify="left" if col == "test set" else "right")

    def cell(m: dict) -> str:
        return "n/a" if m["auroc"] is None else f"{m['auroc']:.3f} {m['auroc_95']} / {m['ece']:.3f}"

    for corpus, m in info["evaluation"].items():
        evaluation.add_row(f"{corpus} test", str(m["content"]["articles"]), str(m["content"]["low"]), cell(m["content"]),
                           cell(m["prior"]), cell(m["both"]), "n/a" if m["marker_count"]["auroc"] is None else f"{m['marker_count']['auroc']:.3f}")
    grid = Table.grid()
    grid.add_row(table)
    grid.add_row(evaluation)
    return grid


def metrics_table(result: dict, title: str) -> Table:
    from propmark.markers.metrics import table_rows  # sklearn and torch load only for metric views

    table = Table(title=title)
    for col in ("label", "precision", "recall", "F1", "support", "ECE"):
        table.add_column(col, justify="left" if col == "label" else "right")
    for row in table_rows(result):
        table.add_row(*row, style="bold" if row[0].endswith(" F1") else None)
    return table


def print_metrics(console: Console, result: dict) -> None:
    console.print(metrics_table(result, f"all languages ({result['sentences']} sentences)"))
    for lang, m in result.get("by_lang", {}).items():
        console.print(metrics_table(m, f"lang = {lang}"))
