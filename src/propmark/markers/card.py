"""The model card written next to every trained model: what it is, what it saw, how it scored."""

from __future__ import annotations

from propmark.markers.metrics import table_rows
from propmark.markers.model import ModelSpec


def metrics_table(result: dict) -> str:
    """A markdown table of per-label P/R/F1/support/ECE plus micro/macro F1."""
    rows = ["| label | precision | recall | F1 | support | ECE |", "|---|---:|---:|---:|---:|---:|"]
    for row in table_rows(result):
        bold = row[0].endswith(" F1")
        rows.append("| " + " | ".join(f"**{cell}**" if bold and i == 0 else cell for i, cell in enumerate(row)) + " |")
    return "\n".join(rows)


def model_card(spec: ModelSpec, metrics: dict) -> str:
    split = metrics.get("split", {})
    docs = split.get("documents", {})
    parts = [
        "# propmark marker model",
        "",
        f"Multi-label sentence classifier for {', '.join(f'`{x}`' for x in spec.labels)}.",
        f"Base encoder: `{spec.base_encoder}` (fingerprint `{spec.base_fingerprint[:16]}…`), frozen, "
        + (f"with LoRA adapters (rank {spec.lora.get('rank')}) on {', '.join(spec.lora.get('targets', []))}; "
           if int(spec.lora.get("rank", 0)) > 0 else "without adapters (only the head learned); ")
        + f"mean pooling; a head over the sentence and {spec.context_window} neighbour(s) each side"
        + (" plus position features" if spec.position_features else "")
        + ("; a page layer (bidirectional GRU over the units, with HTML layout) on top." if spec.sequence else "."),
        f"Thresholds (chosen on dev): {', '.join(f'{n} {t:.2f}' for n, t in zip(spec.labels, spec.thresholds))}.",
        "Scores are calibrated on dev (Platt scaling per label)." if spec.calibration else "Scores are not calibrated.",
        "",
        "## Training data",
        f"Data: {', '.join(metrics.get('config', {}).get('data', []))}. Split by {split.get('by')} "
        f"(seed {split.get('seed')}): {docs.get('train')} train / {docs.get('dev')} dev / {docs.get('test')} test documents.",
        (f"Encoder adapters and head from `{metrics['config']['init_from']}` (trained on that model's data), "
         f"fine-tuned {len(metrics.get('history', []))} more epoch(s); page layer, calibration and thresholds fitted on "
         f"this split; {metrics.get('train_seconds')} s." if metrics.get("config", {}).get("init_from") else
         f"Best epoch {metrics.get('best_epoch')}; training took {metrics.get('train_seconds')} s."),
        "Own text is written by the project (plus the five seed articles); real documents are the project's standoff "
        "annotations of corpora whose licence allows training (training/real/); no research-only data was used. "
        "Imported permissive corpora, where listed above, trained only the markers they annotate.",
    ]
    if "sequence" in metrics:
        seq = metrics["sequence"]
        parts.append(f"Page layer: dev macro F1 {seq['dev_macro_f1_with']:.3f} with it, {seq['dev_macro_f1_without']:.3f} "
                     f"without: {'kept' if seq['kept'] else 'dropped'}.")
    real = split.get("held_out") == "real" and split.get("by") == "site"
    titles = {"test": "Test split: real documents of sites never trained on" if real else "Test split (documents not trained on)",
              "dev": "Dev split (chose epoch, thresholds, calibration)",
              "own_test": "The project's own held-out articles (secondary)"}
    for part in ("test", "own_test", "dev"):
        if part in metrics:
            parts += ["", f"## {titles[part]}", "", metrics_table(metrics[part])]
            langs = metrics[part].get("by_lang", {})
            if langs:
                parts += ["", "| lang | positives | micro F1 | macro F1 |", "|---|---:|---:|---:|"]
                for lang, m in langs.items():
                    n = sum(v["support"] for v in m["labels"].values())
                    parts.append(f"| {lang} | {n} | {m['micro_f1']:.3f} | {m['macro_f1']:.3f} |")
    parts += [
        "",
        "## Limits",
        "Real-page figures are well below the project's own text and below its annotators' agreement (training/EVAL.md); "
        "treat scores as pointers for a human reader, not verdicts.",
        "",
    ]
    return "\n".join(parts)
