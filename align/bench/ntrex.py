"""NTREX-128 fr–ar benchmarks: sentence alignment of damaged documents, document pairing.

NTREX holds 1,997 line-aligned sentences in 123 news documents (``DOCUMENT_IDS.tsv`` gives
each line's document). Realistic damage is generated with a fixed seed: adjacent sentences
merged on one side (1-2, 2-1), three glued into one line (1-3, 3-1), sentences dropped on
either side and boilerplate lines inserted (1-0, 0-1); ``align.bench.profiles`` is a second
generator (other furniture, rates drawn per document, paragraphs glued). The first
``dev_documents`` documents served to choose settings; scores are reported on the others.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from align.aligner.sentences import AlignConfig, align_sentences
from align.bench.common import (
    NTREX_SOURCE,
    SystemResult,
    gale_church,
    read_lines,
    run_system,
)
from align.bench.profiles import (
    ParagraphDocuments,
    Profile,
    damage_profile,
    damage_with_paragraphs,
    documents_from_beads,
)
from align.errors import ConfigError, InputError
from align.models.embed import Embedder
from align.records import Alignment, Document

SRC_FILE, TGT_FILE, IDS_FILE = (
    "newstest2019-ref.fra.txt",
    "newstest2019-ref.arb.txt",
    "DOCUMENT_IDS.tsv",
)
BOILERPLATE = (
    ["Lire aussi :", "Publicité", "Partager sur Facebook", "Abonnez-vous à notre lettre"],
    ["اقرأ أيضا:", "إعلان", "شارك على فيسبوك", "اشترك في نشرتنا الإخبارية"],
)


@dataclass(frozen=True)
class Damage:
    """Probability of each damage, per original sentence pair (boilerplate: per document)."""

    merge: float = 0.06  # join two adjacent sentences on one side
    glue: float = 0.02  # join three adjacent sentences on one side
    drop: float = 0.04  # remove a sentence from one side
    boilerplate: float = 0.5  # insert one boilerplate line on one side


def load_ntrex(data: Path) -> list[tuple[str, list[str], list[str]]]:
    """Documents of NTREX as (id, French lines, Arabic lines), in file order."""
    data = Path(data)
    paths = [data / SRC_FILE, data / TGT_FILE, data / IDS_FILE]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise InputError(data, f"missing {', '.join(missing)} (expected {NTREX_SOURCE})")
    src, tgt, ids = (read_lines(p) for p in paths)
    if not len(src) == len(tgt) == len(ids):
        raise InputError(data, f"line counts differ: {len(src)} fr, {len(tgt)} ar, {len(ids)} ids")
    documents: dict[str, tuple[list[str], list[str]]] = {}
    for doc_id, s, t in zip(ids, src, tgt, strict=False):
        pair = documents.setdefault(doc_id.strip(), ([], []))
        pair[0].append(s)
        pair[1].append(t)
    return [(doc_id, s, t) for doc_id, (s, t) in documents.items()]


def damage(
    src: list[str], tgt: list[str], rng: random.Random, rates: Damage = Damage()
) -> tuple[list[str], list[str], list[Alignment]]:
    """Damage a 1-1 aligned document; returns the new sides and their gold alignment."""
    beads: list[tuple[list[str], list[str]]] = []
    i = 0
    while i < len(src):
        roll, side = rng.random(), rng.randrange(2)
        size = 3 if roll < rates.glue else 2 if roll < rates.glue + rates.merge else 1
        if size > 1 and i + size <= len(src):
            parts = (src[i : i + size], tgt[i : i + size])
            joined = " ".join(parts[side])
            beads.append(([joined], parts[1]) if side == 0 else (parts[0], [joined]))
            i += size
            continue
        if roll < rates.glue + rates.merge + rates.drop:
            beads.append(([src[i]], []) if side else ([], [tgt[i]]))
        else:
            beads.append(([src[i]], [tgt[i]]))
        i += 1
    if rng.random() < rates.boilerplate:
        side = rng.randrange(2)
        line = rng.choice(BOILERPLATE[side])
        beads.insert(rng.randrange(len(beads) + 1), ([line], []) if side == 0 else ([], [line]))
    return documents_from_beads(beads)


def damaged_documents(
    data: Path,
    seed: int = 13,
    dev_documents: int = 40,
    split: str = "test",
    profile: Profile | None = None,
) -> list[tuple[str, list[str], list[str], list[Alignment]]]:
    """Damaged NTREX documents of a split: the first ``dev_documents`` ("dev"), the rest
    ("test") or all of them ("all"). Damage comes from ``damage``, or from
    ``align.bench.profiles.damage_profile`` when a ``profile`` is given."""
    rng = random.Random(seed)
    documents = [
        (d, *(damage(s, t, rng) if profile is None else damage_profile(s, t, profile, rng)))
        for d, s, t in load_ntrex(data)
    ]
    return {"dev": documents[:dev_documents], "test": documents[dev_documents:]}.get(
        split, documents
    )


def paragraph_documents(
    data: Path, profile: Profile, seed: int = 13, dev_documents: int = 40, split: str = "test"
) -> list[tuple[str, ParagraphDocuments]]:
    """The documents of ``damaged_documents`` under ``profile``, with each line's paragraph."""
    rng = random.Random(seed)
    documents = [(d, damage_with_paragraphs(s, t, profile, rng)) for d, s, t in load_ntrex(data)]
    return {"dev": documents[:dev_documents], "test": documents[dev_documents:]}.get(
        split, documents
    )


def alignment_benchmark(
    data: Path,
    embedder: Embedder,
    config: AlignConfig | None = None,
    split: str = "test",
    profile: Profile | None = None,
    paragraphs: bool = False,
) -> list[SystemResult]:
    """Our aligner and Gale–Church on the damaged documents of ``split`` (damage as in
    ``damaged_documents``); with ``paragraphs`` (a ``profile`` is needed), our aligner is
    told each line's paragraph, as a build from articles tells it."""
    config = config or AlignConfig()
    if not paragraphs:
        documents = damaged_documents(data, split=split, profile=profile)
        ours = run_system("align", lambda s, t: align_sentences(s, t, embedder, config),
                          documents)
        return [ours, run_system("Gale–Church", gale_church, documents)]
    if profile is None:
        raise ConfigError("paragraphs are known only for documents damaged by a profile")
    damaged = paragraph_documents(data, profile, split=split)
    documents = [(d, *p.documents) for d, p in damaged]
    # run_system hands the aligner each document's own source list: find its paragraphs by it
    known = {id(p.src): (p.src_paragraphs, p.tgt_paragraphs) for _, p in damaged}
    ours = run_system(
        "align, paragraphs known",
        lambda s, t: align_sentences(s, t, embedder, config, paragraphs=known[id(s)]),
        documents,
    )
    return [ours, run_system("Gale–Church", gale_church, documents)]


@dataclass(frozen=True)
class PairingResult:
    """Document pairing against the known pairs, with some Arabic documents withheld."""

    pairs_found: int
    correct: int
    pairable: int  # French documents whose Arabic counterpart was kept
    withheld: int  # French documents whose counterpart was removed (should stay unpaired)

    @property
    def precision(self) -> float:
        return self.correct / self.pairs_found if self.pairs_found else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.pairable if self.pairable else 0.0


def pairing_benchmark(
    data: Path, embedder: Embedder, withheld: float = 0.1, seed: int = 13
) -> PairingResult:
    """Pair all French with the Arabic documents after withholding a share of the latter."""
    from align.stages.pairing import pair_documents

    documents = load_ntrex(data)
    rng = random.Random(seed)
    removed = set(rng.sample(range(len(documents)), round(withheld * len(documents))))
    src_docs = [Document(f"fr/{d}", "fr", s) for d, s, _ in documents]
    tgt_docs = [
        Document(f"ar/{d}", "ar", t) for k, (d, _, t) in enumerate(documents) if k not in removed
    ]
    pairs, _ = pair_documents(src_docs, tgt_docs, embedder)
    correct = sum(p.src.id[3:] == p.tgt.id[3:] for p in pairs)
    return PairingResult(len(pairs), correct, len(tgt_docs), len(removed))
