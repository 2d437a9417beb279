"""Test-set decontamination: segments that hold a sentence of an excluded set are removed.

An excluded set is a text file of sentences, one per line, or a dataset directory written by
``align build`` (or any directory of parquet shards with a ``translation`` column). Both
sides of a segment are compared, whole and sentence by sentence, by
:func:`align.stages.clean.comparison_key`: case, spacing, punctuation, digit scripts,
Arabic diacritics and tatweel do not hide a test sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from align.errors import InputError
from align.records import Segment
from align.stages.clean import comparison_key

REASON = "test_overlap"
_SENTENCE_END = re.compile(r"(?<=[.!?؟…])\s+")


@dataclass(frozen=True)
class Exclusion:
    """Comparison keys of the excluded sentences."""

    keys: frozenset[str] = frozenset()

    @classmethod
    def load(cls, paths: Iterable[str | Path]) -> Exclusion:
        """The sentences of every file or dataset directory in ``paths``."""
        keys = {comparison_key(text) for path in paths for text in excluded_sentences(path)}
        keys.discard("")
        return cls(frozenset(keys))

    def matches(self, text: str) -> bool:
        """Whether ``text``, or one of its sentences, is an excluded sentence."""
        if not self.keys:
            return False
        pieces = [text, *_SENTENCE_END.split(text)]
        return any(comparison_key(piece) in self.keys for piece in pieces)

    def reason(self, segment: Segment) -> str:
        """``test_overlap`` when either side of ``segment`` matches, else ``""``."""
        return REASON if self.matches(segment.src) or self.matches(segment.tgt) else ""


def excluded_sentences(path: str | Path) -> Iterator[str]:
    """The sentences of a text file (one per line) or of a dataset directory (both sides)."""
    path = Path(path)
    if path.is_dir():
        yield from _dataset_sentences(path)
        return
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(path, "excluded sentences: no such file or directory") from None
    except UnicodeDecodeError as error:
        raise InputError(path, f"excluded sentences: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise InputError(path, f"excluded sentences: cannot read ({error.strerror})") from None
    yield from (line.strip() for line in text.splitlines() if line.strip())


def _dataset_sentences(directory: Path) -> Iterator[str]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    shards = sorted(directory.glob("**/*.parquet"))
    if not shards:
        raise InputError(directory, "excluded sentences: a directory without parquet shards")
    for shard in shards:
        try:
            table = pq.read_table(shard, columns=["translation"])
        except (pa.ArrowInvalid, KeyError, OSError) as error:
            raise InputError(shard, f"excluded sentences: no readable 'translation' column "
                                    f"({error})") from None
        for row in table.column("translation").to_pylist():
            if isinstance(row, dict):
                yield from (text for text in row.values() if isinstance(text, str))
