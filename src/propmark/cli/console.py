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


def outlet_line(outlet: dict | None) -> str:
    """One line of outlet facts, or why there are none."""
    if outlet is None:
        return "outlet: not on the outlet list (defaults/outlets.yaml)"
    status = "state-controlled" if outlet["state_controlled"] else "editorially independent"
    return (f"outlet: {outlet['name']} ({outlet['country']}; {outlet['owner']}; typology {outlet['typology']}, {status}; "
            f"matched by {outlet['matched_by']} {outlet['evidence']!r}; sources: {', '.join(outlet['sources'])})")


def credibility_text(result: Result) -> Text:
    cred = result.credibility
    if cred is None:
        return Text("credibility: none (the model folder has no credibility model)", style="dim")
    text = Text(f"credibility {cred.score:.2f} ({cred.band}); each reason: its effect on the score", style="bold")
    for reason in cred.reasons:
        sent = ", ".join(str(i) for i in reason.sentences[:12])
        more = "…" if len(reason.sentences) > 12 else ""
        where = f" (sentences {sent}{more})" if sent else ""
        text.append(f"\n  {reason.effect:+.2f} {reason.feature} = {reason.value:.3g}{where}")
    text.append("\n" + outlet_line(cred.outlet), style="dim")
    return text


def credibility_fit_table(model) -> Table:
    """Weights (raw and standardised) and held-out AUROC / calibration beside the marker-count baseline."""
    table = Table(title="credibility model: P(low) = sigmoid(intercept + Σ weight·feature)")
    for col in ("feature", "weight", "standardised", "train mean"):
        table.add_column(col, justify="left" if col == "feature" else "right")
    info = model.info
    for name, weight in zip(model.features, model.weights):
        table.add_row(name, f"{weight:+.4f}", f"{info['standardized_weights'][name]:+.3f}", f"{info['feature_means'][name]:.3f}")
    table.add_row("intercept", f"{model.intercept:+.4f}", "", "")
    evaluation = Table(title="held-out articles (P(low))")
    for col in ("test set", "articles", "low", "AUROC", "Brier", "ECE", "count AUROC", "count ECE"):
        evaluation.add_column(col, justify="left" if col == "test set" else "right")
    for corpus, m in info["evaluation"].items():
        corpus = "train, 5-fold CV" if corpus == "cross_validated_train" else f"{corpus} test"
        ours, base = m["model"], m["marker_count"]
        evaluation.add_row(corpus, str(ours["articles"]), str(ours["low"]), str(ours["auroc"]), str(ours["brier"]), str(ours["ece"]),
                           str(base["auroc"]), str(base["ece"]))
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
