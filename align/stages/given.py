"""Document pairs the user already knows: they skip pairing but are still checked.

Two sources: a JSONL line that carries both sides (``{"id", "fr", "ar", "fr_url"?,
"ar_url"?}``; ingest gives both articles the line's id and ``meta["pair"]``), and a pairs
file, a TSV of source and target document ids or URLs. A given pair is aligned as any
other; when its alignment looks unrelated (few similar segments) it is reported by id and
its segments are not published.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from align.errors import InputError
from align.records import Document, Segment


@dataclass(frozen=True)
class GivenPairCheck:
    """What a given pair must show to be published. On the 40 NTREX dev documents, true
    pairs have 62–100% of their sentences in segments with similarity ≥ 0.5, each French
    document given with the next story's Arabic 0%: the threshold sits between."""

    min_similarity: float = 0.5  # a segment this similar counts as a match
    min_matched: float = 0.3  # share of sentences, both sides, in matching segments


def read_pairs_file(path: str | Path) -> list[tuple[int, str, str]]:
    """Rows of a pairs file as (line number, source id or URL, target id or URL)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot read the pairs file ({error})") from None
    rows = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) != 2 or not all(fields):
            raise InputError(path, f"line {number}: expected a source and a target id or URL "
                                   f"separated by a tab, got {line.strip()!r}")
        rows.append((number, fields[0], fields[1]))
    return rows


def given_pairs(
    src_docs: Sequence[Document],
    tgt_docs: Sequence[Document],
    pairs_file: str | Path | None = None,
) -> list[tuple[Document, Document]]:
    """The pairs named by JSONL pair ids and by the pairs file, each document at most once.

    A pairs-file row that names no document of the collection, or a document already
    given a partner, is an InputError naming the file and the line.
    """
    found: list[tuple[Document, Document]] = []
    used: set[int] = set()
    by_pair = {d.meta["pair"]: d for d in tgt_docs if d.meta.get("pair")}
    for src in src_docs:
        tgt = by_pair.get(src.meta.get("pair", ""))
        if tgt is not None:
            found.append((src, tgt))
            used.update((id(src), id(tgt)))
    if pairs_file is None:
        return found
    src_names, tgt_names = _names(src_docs), _names(tgt_docs)
    for number, src_name, tgt_name in read_pairs_file(pairs_file):
        src, tgt = src_names.get(src_name), tgt_names.get(tgt_name)
        missing = [name for name, doc in ((src_name, src), (tgt_name, tgt)) if doc is None]
        if missing:
            raise InputError(pairs_file, f"line {number}: no document with id or URL "
                                         f"{' or '.join(map(repr, missing))} in the collection")
        assert src is not None and tgt is not None
        if id(src) in used or id(tgt) in used:
            raise InputError(pairs_file, f"line {number}: {src.id} or {tgt.id} is already "
                                         f"in another given pair")
        found.append((src, tgt))
        used.update((id(src), id(tgt)))
    return found


def _names(docs: Sequence[Document]) -> dict[str, Document]:
    names = {d.meta["url"]: d for d in docs if d.meta.get("url")}
    names.update({d.id: d for d in docs})
    return names


def unrelated_reason(
    segments: Sequence[Segment], src_count: int, tgt_count: int,
    check: GivenPairCheck = GivenPairCheck(),
) -> str | None:
    """Why a given pair's alignment looks unrelated, or None when it looks like a translation."""
    matched = [s for s in segments if s.similarity >= check.min_similarity]
    covered = sum(len(s.src_sentences) + len(s.tgt_sentences) for s in matched)
    share = covered / max(src_count + tgt_count, 1)
    if share >= check.min_matched:
        return None
    return (f"given pair looks unrelated: {share:.0%} of the sentences in segments with "
            f"similarity ≥ {check.min_similarity} (< {check.min_matched:.0%})")
