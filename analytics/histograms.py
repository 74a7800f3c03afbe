"""Duration histograms with bounded size: what lets a median or p90 over a year be
computed from daily rollups without keeping every sample.

Bucket 0 holds durations under a minute; bucket i ≥ 1 holds [60·1.25^(i-1), 60·1.25^i)
seconds, up to bucket LAST (~2.4 years) which holds everything longer. A histogram is a
dict {bucket index (str, as JSON stores it): count}, so a day with a million samples
still stores at most LAST + 1 numbers, and merging days is adding counts. A percentile
is interpolated linearly inside its bucket: within 25% of the exact value, which is
plenty for "typical wait" and staffing (a per-day capped sample would be exact for
small days but biased on busy ones, and its size grows with the cap).
"""

from bisect import bisect_right
from collections.abc import Iterable, Mapping

RATIO = 1.25
FIRST_EDGE = 60.0
LAST = 64
# EDGES[i] is the lower bound of bucket i + 1.
EDGES = tuple(FIRST_EDGE * RATIO**i for i in range(LAST))

Histogram = dict[str, int]


def bucket_of(seconds: float) -> int:
    return min(bisect_right(EDGES, max(seconds, 0.0)), LAST)


def bounds(index: int) -> tuple[float, float]:
    lower = 0.0 if index == 0 else EDGES[index - 1]
    upper = EDGES[index] if index < LAST else EDGES[-1] * RATIO
    return lower, upper


def add(histogram: Histogram, seconds: float) -> None:
    key = str(bucket_of(seconds))
    histogram[key] = histogram.get(key, 0) + 1


def from_samples(samples: Iterable[float]) -> Histogram:
    histogram: Histogram = {}
    for seconds in samples:
        add(histogram, seconds)
    return histogram


def merge(into: Histogram, other: Mapping[str, int]) -> None:
    for key, count in other.items():
        into[key] = into.get(key, 0) + count


def size(histogram: Mapping[str, int]) -> int:
    return sum(histogram.values())


def percentile(histogram: Mapping[str, int], fraction: float) -> float | None:
    """The duration (seconds) below which `fraction` of the samples lie; None when empty."""
    total = size(histogram)
    if not total:
        return None
    rank = fraction * total
    seen = 0
    for index in sorted(int(key) for key in histogram):
        count = histogram[str(index)]
        if seen + count >= rank:
            lower, upper = bounds(index)
            return lower + (upper - lower) * max(rank - seen, 0) / count
        seen += count
    return bounds(LAST)[1]
