"""Damage profiles for line-aligned documents: scraped news and faithful literary text.

A second generator beside ``align.bench.ntrex.damage``, with other furniture, other rates
and paragraph structure, so that settings chosen on one generator can be checked on the
other. A document is cut into paragraphs of 2–5 sentences; then, per ``Profile``:

* sentences are merged with their neighbour on one side (1-2, 2-1) and whole short
  paragraphs glued into one line on one side (paragraph glueing, 1-n / n-1);
* sentences are dropped from one side (1-0, 0-1);
* furniture lines (share buttons, credits, bylines, copyright, "read also" links) are
  inserted on one side between paragraphs, in the language of that side;
* sentences are split in two at a clause boundary on one side, as a free translation does
  (1-2, 2-1 beads whose halves each match only part of the other side);
* sentences are displaced on one side by a few lines, as a page layout moves a caption
  (the gold keeps the pair, out of order).

Rates are drawn per document within the profile's ranges, so one profile covers clean and
badly damaged documents alike.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from align.records import Alignment

Bead = tuple[list[str], list[str]]

FURNITURE = (
    (
        "Partager cet article",
        "Tous droits réservés",
        "Photo : AFP",
        "© Reuters",
        "Publié le 12/03/2019 à 14h05",
        "Mis à jour il y a 3 heures",
        "Suivez-nous sur Twitter",
        "Commentaires (12)",
        "Lire la suite",
        "Newsletter : recevez l'essentiel de l'actualité chaque matin",
        "Cet article est réservé aux abonnés.",
        "Par la rédaction",
    ),
    (
        "شارك هذا المقال",
        "جميع الحقوق محفوظة",
        "الصورة: رويترز",
        "© أ ف ب",
        "نشر في 12/03/2019 الساعة 14:05",
        "آخر تحديث منذ 3 ساعات",
        "تابعونا على تويتر",
        "التعليقات (12)",
        "اقرأ المزيد",
        "النشرة البريدية: اشترك ليصلك أهم الأخبار كل صباح",
        "هذا المقال مخصص للمشتركين.",
        "بقلم هيئة التحرير",
    ),
)


@dataclass(frozen=True)
class Profile:
    """Ranges (low, high) of per-document rates; each rate is drawn uniformly in its range."""

    name: str
    merge: tuple[float, float]  # per sentence: merge with the next one on one side
    glue: tuple[float, float]  # per paragraph: glue the whole paragraph into one line
    drop: tuple[float, float]  # per sentence: drop it from one side
    furniture: tuple[float, float]  # per paragraph boundary: insert a furniture line
    split: tuple[float, float] = (0.0, 0.0)  # per sentence: split it in two on one side
    displace: tuple[float, float] = (0.0, 0.0)  # per 1-1 pair: move one side a few lines


NEWS = Profile("news", merge=(0.0, 0.12), glue=(0.0, 0.1), drop=(0.0, 0.1), furniture=(0.1, 0.5))
LITERARY = Profile(
    "literary", merge=(0.02, 0.1), glue=(0.0, 0.0), drop=(0.0, 0.02), furniture=(0.0, 0.0)
)
FREE = Profile(
    "free",
    merge=(0.02, 0.12),
    glue=(0.0, 0.0),
    drop=(0.0, 0.03),
    furniture=(0.0, 0.0),
    split=(0.05, 0.2),
    displace=(0.0, 0.04),
)
PROFILES = {p.name: p for p in (NEWS, LITERARY, FREE)}
_CLAUSE_ENDS = (", ", "; ", ": ", "، ", "؛ ")


def _paragraphs(count: int, rng: random.Random) -> list[range]:
    out, start = [], 0
    while start < count:
        size = rng.randint(2, 5)
        out.append(range(start, min(start + size, count)))
        start += size
    return out


def _damage_paragraph(
    src: list[str], tgt: list[str], rates: dict[str, float], rng: random.Random
) -> list[Bead]:
    side = rng.randrange(2)
    if len(src) > 1 and len(src) <= 4 and rng.random() < rates["glue"]:
        glued = [" ".join((src, tgt)[side])]
        return [(glued, tgt)] if side == 0 else [(src, glued)]
    beads: list[Bead] = []
    i = 0
    while i < len(src):
        side, roll = rng.randrange(2), rng.random()
        if i + 1 < len(src) and roll < rates["merge"]:
            joined = [" ".join((src, tgt)[side][i : i + 2])]
            beads.append((joined, tgt[i : i + 2]) if side == 0 else (src[i : i + 2], joined))
            i += 2
            continue
        if roll < rates["merge"] + rates["drop"]:
            beads.append(([src[i]], []) if side else ([], [tgt[i]]))
        elif rates.get("split") and rng.random() < rates["split"]:
            halves = split_at_clause((src, tgt)[side][i])
            beads.append((halves, [tgt[i]]) if side == 0 else ([src[i]], halves))
        else:
            beads.append(([src[i]], [tgt[i]]))
        i += 1
    return beads


def split_at_clause(sentence: str) -> list[str]:
    """The sentence cut in two at the clause boundary nearest its middle (each half at least
    a quarter of it), the first half closed by a full stop; unchanged if there is none."""
    cuts = [
        k
        for mark in _CLAUSE_ENDS
        for k in range(len(sentence))
        if sentence.startswith(mark, k) and len(sentence) // 4 <= k <= 3 * len(sentence) // 4
    ]
    if not cuts:
        return [sentence]
    cut = min(cuts, key=lambda k: abs(2 * k - len(sentence)))
    head, tail = sentence[:cut].rstrip(), sentence[cut + 1 :].strip()
    return [head + ".", tail[:1].upper() + tail[1:]]


def damage_profile(
    src: list[str], tgt: list[str], profile: Profile, rng: random.Random
) -> tuple[list[str], list[str], list[Alignment]]:
    """Damage a 1-1 aligned document under ``profile``; returns both sides and the gold."""
    return damage_with_paragraphs(src, tgt, profile, rng).documents


@dataclass(frozen=True)
class ParagraphDocuments:
    """Two damaged documents, the gold alignment and the paragraph of every line."""

    src: list[str]
    tgt: list[str]
    gold: list[Alignment]
    src_paragraphs: list[int]
    tgt_paragraphs: list[int]

    @property
    def documents(self) -> tuple[list[str], list[str], list[Alignment]]:
        return self.src, self.tgt, self.gold


def damage_with_paragraphs(
    src: list[str], tgt: list[str], profile: Profile, rng: random.Random
) -> ParagraphDocuments:
    """``damage_profile`` (the same random draws, so the same documents) that also gives each
    line its paragraph: a furniture line is a paragraph of its own, a displaced line keeps
    the paragraph it was moved from."""
    rates = {
        name: rng.uniform(*getattr(profile, name))
        for name in ("merge", "glue", "drop", "furniture")
    }
    for name in ("split", "displace"):  # drawn only when set: other profiles stay as they were
        if getattr(profile, name) != (0.0, 0.0):
            rates[name] = rng.uniform(*getattr(profile, name))
    beads: list[Bead] = []
    bead_paragraphs: list[int] = []
    for k, paragraph in enumerate(_paragraphs(len(src), rng)):
        if k and rng.random() < rates["furniture"]:
            side = rng.randrange(2)
            line = [rng.choice(FURNITURE[side])]
            beads.append((line, []) if side == 0 else ([], line))
            bead_paragraphs.append(2 * k - 1)
        part_src = [src[i] for i in paragraph]
        part_tgt = [tgt[i] for i in paragraph]
        part = _damage_paragraph(part_src, part_tgt, rates, rng)
        beads.extend(part)
        bead_paragraphs.extend([2 * k] * len(part))
    new_src, new_tgt, gold = documents_from_beads(beads)
    src_paragraphs = [p for (s, _), p in zip(beads, bead_paragraphs, strict=True) for _ in s]
    tgt_paragraphs = [p for (_, t), p in zip(beads, bead_paragraphs, strict=True) for _ in t]
    if rates.get("displace"):
        (src_order, tgt_order), gold = _displace(gold, len(new_src), len(new_tgt),
                                                 rates["displace"], rng)
        new_src, src_paragraphs = ([x[i] for i in src_order] for x in (new_src, src_paragraphs))
        new_tgt, tgt_paragraphs = ([x[j] for j in tgt_order] for x in (new_tgt, tgt_paragraphs))
    return ParagraphDocuments(new_src, new_tgt, gold, src_paragraphs, tgt_paragraphs)


def _displace(
    gold: list[Alignment], src_lines: int, tgt_lines: int, rate: float, rng: random.Random
) -> tuple[tuple[list[int], list[int]], list[Alignment]]:
    """Move one side of some 1-1 pairs 2–5 lines away: the new order of each side's lines,
    and the gold, which keeps the moved pairs out of order."""
    orders = [list(range(src_lines)), list(range(tgt_lines))]
    for bead in gold:
        if len(bead.src) != 1 or len(bead.tgt) != 1 or rng.random() >= rate:
            continue
        side = rng.randrange(2)
        order, line = orders[side], (bead.src, bead.tgt)[side][0]
        at = order.index(line)
        order.pop(at)
        order.insert(min(max(at + rng.choice((-1, 1)) * rng.randint(2, 5), 0), len(order)), line)
    src_at, tgt_at = ({old: new for new, old in enumerate(o)} for o in orders)
    moved = [
        Alignment(tuple(sorted(src_at[i] for i in a.src)), tuple(sorted(tgt_at[j] for j in a.tgt)))
        for a in gold
    ]
    return (orders[0], orders[1]), moved


def documents_from_beads(
    beads: list[tuple[list[str], list[str]]],
) -> tuple[list[str], list[str], list[Alignment]]:
    """The two damaged documents a list of beads spells, and the gold alignment."""
    new_src: list[str] = []
    new_tgt: list[str] = []
    gold = []
    for s, t in beads:
        gold.append(
            Alignment(
                tuple(range(len(new_src), len(new_src) + len(s))),
                tuple(range(len(new_tgt), len(new_tgt) + len(t))),
            )
        )
        new_src.extend(s)
        new_tgt.extend(t)
    return new_src, new_tgt, gold
