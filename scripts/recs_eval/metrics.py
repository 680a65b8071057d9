"""Ranking metrics of the evaluation, free of any I/O so that they can be unit tested."""

import math


def recall_at(ranked, relevant, k):
    """The share of the relevant items found in the first k of `ranked`."""
    if not relevant:
        return 0.0
    hits = sum(1 for item in ranked[:k] if item in relevant)
    return hits / len(relevant)


def ndcg_at(ranked, relevant, k):
    """Normalised discounted cumulative gain of the first k, binary relevance."""
    if not relevant:
        return 0.0
    gain = sum(1.0 / math.log2(rank + 2) for rank, item in enumerate(ranked[:k]) if item in relevant)
    ideal = sum(1.0 / math.log2(rank + 2) for rank in range(min(k, len(relevant))))
    return gain / ideal


def genre_diversity(ranked, genres):
    """Intra-list diversity: the mean, over every pair of the list, of 1 - Jaccard(genres).
    Items without genres count as sharing nothing with anything."""
    pairs = 0
    total = 0.0
    for i in range(len(ranked)):
        for j in range(i + 1, len(ranked)):
            a, b = genres.get(ranked[i], set()), genres.get(ranked[j], set())
            union = a | b
            similarity = len(a & b) / len(union) if union else 0.0
            total += 1.0 - similarity
            pairs += 1
    return total / pairs if pairs else 0.0


def coverage(lists, catalog_size):
    """The share of the catalog that appears in at least one list."""
    if catalog_size == 0:
        return 0.0
    return len({item for ranked in lists for item in ranked}) / catalog_size


def split_history(positives, held_out_share=0.2, minimum_held_out=2):
    """Splits one user's positives, oldest first, into what they told us and what is held out:
    the last `held_out_share` of them (at least `minimum_held_out`)."""
    held = max(minimum_held_out, round(len(positives) * held_out_share))
    held = min(held, max(len(positives) - 1, 0))
    return positives[: len(positives) - held], positives[len(positives) - held :]


def mean(values):
    values = list(values)
    return sum(values) / len(values) if values else 0.0
