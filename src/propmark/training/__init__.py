"""Making a marker model: the training loop, labeled corpora, the real-page standoff labels, importers, baselines."""
