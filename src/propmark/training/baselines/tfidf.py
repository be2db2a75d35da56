"""TF-IDF + logistic regression per label (scikit-learn): the strong classical baseline.

Word 1-2-grams plus character 2-5-grams inside word boundaries, so it works across
languages and inflections without a tokenizer. It sees the sentence alone, no neighbours.
Thresholds are chosen on dev, like the model's.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from propmark.training.corpus import Document
from propmark.markers.metrics import best_thresholds, label_matrix


class TfidfLogReg:
    name = "tfidf"

    def __init__(self, labels: list[str], seed: int = 13) -> None:
        self.labels = labels
        self.seed = seed
        self.thresholds = np.full(len(labels), 0.5)
        self.words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=True)
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, max_features=200_000)
        self.models: list[LogisticRegression | None] = []

    def _features(self, texts: list[str]):
        return hstack([self.words.transform(texts), self.chars.transform(texts)]).tocsr()

    def fit(self, train: Sequence[Document], dev: Sequence[Document]) -> None:
        """One classifier per label, on the rows whose annotation speaks for that label."""
        texts = [t for d in train for t in d.sentences]
        y = label_matrix([lab for d in train for lab in d.labels], self.labels)
        known = np.array([[d.annotated is None or name in d.annotated for name in self.labels] for d in train for _ in d.sentences])
        self.words.fit(texts)
        self.chars.fit(texts)
        x = self._features(texts)
        self.models = []
        for j in range(len(self.labels)):
            rows = known[:, j]
            if len(set(y[rows, j])) < 2:
                self.models.append(None)
                continue
            clf = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000, random_state=self.seed)
            self.models.append(clf.fit(x[rows], y[rows, j]))
        if dev:
            y_dev = label_matrix([lab for d in dev for lab in d.labels], self.labels)
            self.thresholds = np.array(best_thresholds(y_dev, np.concatenate(self.document_probabilities(dev))))

    def document_probabilities(self, docs: Sequence[Document]) -> list[np.ndarray]:
        texts = [t for d in docs for t in d.sentences]
        probs = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        if texts:
            x = self._features(texts)
            for j, clf in enumerate(self.models):
                if clf is not None:
                    probs[:, j] = clf.predict_proba(x)[:, 1]
        bounds = np.cumsum([0] + [len(d.sentences) for d in docs])
        return [probs[bounds[i] : bounds[i + 1]] for i in range(len(docs))]
