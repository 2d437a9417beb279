"""Train/validation/test splits drawn by document pair, so no article straddles two splits."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

from align.errors import ConfigError
from align.recipe import SplitSizes

HELD_OUT = ("test", "validation")


def split_counts(total: int, sizes: SplitSizes) -> dict[str, int]:
    """Document pairs per split.

    Fractions are rounded half up and shrunk (validation first) when they would leave
    train empty; explicit counts that leave train empty are an error.
    """
    counts: dict[str, int] = {}
    fractional: list[str] = []
    for name in HELD_OUT:
        size = getattr(sizes, name)
        if isinstance(size, float):
            counts[name] = math.floor(size * total + 0.5)
            fractional.insert(0, name)
        else:
            counts[name] = size
    for name in fractional:
        excess = sum(counts.values()) - (total - 1)
        counts[name] -= min(max(excess, 0), counts[name])
    if total and sum(counts.values()) >= total:
        raise ConfigError(
            f"splits ask for {counts['test']} test and {counts['validation']} validation "
            f"document pairs but the corpus has {total}: nothing would be left for train"
        )
    counts["train"] = total - sum(counts.values())
    return counts


def split_key(pair_id: str, seed: int) -> str:
    """The rank of a pair in the draw: a hash of the seed and the pair id."""
    return hashlib.sha256(f"{seed}\x1f{pair_id}".encode()).hexdigest()


def assign_splits(pair_ids: Sequence[str], sizes: SplitSizes, seed: int) -> dict[str, str]:
    """Map each document pair id to ``train``, ``validation`` or ``test``.

    Pairs are ranked by :func:`split_key`; the first ones go to test, the next to
    validation, the rest to train. The result depends only on the ids, sizes and seed
    (not on the order of ``pair_ids``).
    """
    unique = sorted(set(pair_ids))
    if len(unique) != len(pair_ids):
        raise ConfigError("document pair ids must be unique to draw splits")
    counts = split_counts(len(unique), sizes)
    ranked = sorted(unique, key=lambda pair_id: split_key(pair_id, seed))
    names = ["test"] * counts["test"] + ["validation"] * counts["validation"]
    names += ["train"] * counts["train"]
    drawn = dict(zip(ranked, names, strict=True))
    return {pair_id: drawn[pair_id] for pair_id in pair_ids}
