"""An outlet's credibility from its prior and its scored articles: a normal-normal update on the log-odds.

Each article's content evidence is a noisy reading of its outlet's log-odds of low
credibility (reading spread ``sigma``, measured on outlets with several articles when the
model was fitted); the outlet's prior is a normal with the list-based mean and spread. The
posterior is a precision-weighted average, not a sum of evidence, so correlated articles of
one outlet do not make it overconfident; with no articles it is the prior, with many the
articles decide. The sufficient statistics (count, sum) are all it keeps, so a resumed or
later batch only adds to them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from propmark.credibility.prior import Prior


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


@dataclass
class OutletEstimate:
    prior: Prior
    sigma: float
    articles: int = 0
    total: float = 0.0  # sum of the articles' content log-odds

    def add(self, reading: float) -> "OutletEstimate":
        self.articles += 1
        self.total += reading
        return self

    @property
    def precision(self) -> float:
        return 1.0 / self.prior.sd ** 2 + self.articles / self.sigma ** 2

    @property
    def mean(self) -> float:
        """Posterior log-odds of low credibility."""
        return (self.prior.mean / self.prior.sd ** 2 + self.total / self.sigma ** 2) / self.precision

    @property
    def sd(self) -> float:
        return 1.0 / math.sqrt(self.precision)

    @property
    def score(self) -> float:
        """Credibility, 1 - P(low), at the posterior mean."""
        return 1.0 - sigmoid(self.mean)

    def interval(self, z: float = 1.96) -> tuple[float, float]:
        """The 95% interval of the credibility score."""
        return 1.0 - sigmoid(self.mean + z * self.sd), 1.0 - sigmoid(self.mean - z * self.sd)

    @property
    def prior_worth(self) -> float:
        """How many articles the prior weighs as much as."""
        return self.sigma ** 2 / self.prior.sd ** 2
