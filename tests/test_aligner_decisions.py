"""Deletion and merge decisions of the aligner on literal bilingual text (offline embedder)."""

from __future__ import annotations

import pytest
from examples import COAL_AR, COAL_FR

from align.aligner.sentences import AlignConfig, align_sentences
from align.engine.pipeline import align_pair
from align.records import Document, DocumentPair


def beads(
    src: list[str], tgt: list[str], embedder, config: AlignConfig | None = None
) -> list[tuple[tuple, tuple]]:
    return [(b.src, b.tgt) for b in align_sentences(src, tgt, embedder, config or AlignConfig())]


def test_furniture_line_between_two_paragraphs_is_deleted(embedder) -> None:
    fr = [
        "Le gouvernement a présenté mardi son projet de budget pour l'année prochaine.",
        "Il prévoit une baisse des impôts pour les ménages modestes.",
        "Partager cet article",
        "L'opposition a dénoncé un texte injuste envers les retraités.",
        "Le débat au Parlement commencera la semaine prochaine.",
    ]
    ar = [
        "قدمت الحكومة يوم الثلاثاء مشروع ميزانيتها للعام المقبل.",
        "ويتوقع المشروع خفض الضرائب على الأسر متوسطة الدخل.",
        "ونددت المعارضة بنص غير عادل تجاه المتقاعدين.",
        "وسيبدأ النقاش في البرلمان الأسبوع المقبل.",
    ]
    assert beads(fr, ar, embedder) == [
        ((0,), (0,)),
        ((1,), (1,)),
        ((2,), ()),
        ((3,), (2,)),
        ((4,), (3,)),
    ]


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        # sentences only: the byline is absorbed into the next paragraph's first bead
        (None, [((0,), (0,)), ((1,), (1,)), ((2, 3), (2,)), ((4,), (3,))]),
        # the byline is a paragraph of its own: joining it to the next one costs a break
        (
            ([0, 0, 1, 2, 2], [0, 0, 1, 1]),
            [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((3,), (2,)), ((4,), (3,))],
        ),
    ],
)
def test_furniture_paragraph_is_not_merged_into_the_next_paragraph(
    embedder, paragraphs, expected
) -> None:
    found = align_sentences(COAL_FR, COAL_AR, embedder, AlignConfig(), paragraphs=paragraphs)
    assert [(b.src, b.tgt) for b in found] == expected


def test_a_build_gives_the_aligner_its_paragraphs(embedder) -> None:
    src = Document("fr/1", "fr", [" ".join(COAL_FR[:2]), COAL_FR[2], " ".join(COAL_FR[3:])])
    tgt = Document("ar/1", "ar", [" ".join(COAL_AR[:2]), " ".join(COAL_AR[2:])])
    aligned = align_pair(DocumentPair(src, tgt, 1.0, 1.0, 0.0, 1.0), embedder, AlignConfig())
    assert [s.paragraph for s in aligned.src_sentences] == [0, 0, 1, 2, 2]
    assert [(b.src, b.tgt) for b in aligned.alignments if b.is_deletion] == [((2,), ())]


def test_arabic_furniture_line_is_deleted(embedder) -> None:
    fr = [
        "Un séisme de magnitude 6,1 a frappé dimanche l'ouest de la Turquie.",
        "Aucune victime n'a été signalée pour l'instant.",
        "Les secours inspectent les bâtiments les plus anciens.",
    ]
    ar = [
        "ضرب زلزال بقوة 6,1 درجات غرب تركيا يوم الأحد.",
        "جميع الحقوق محفوظة",
        "ولم يتم الإبلاغ عن أي ضحايا حتى الآن.",
        "وتقوم فرق الإنقاذ بتفقد المباني الأقدم.",
    ]
    assert beads(fr, ar, embedder) == [((0,), (0,)), ((), (1,)), ((1,), (2,)), ((2,), (3,))]


DROPPED = [((0,), (0,)), ((1,), ()), ((2,), (1,)), ((3,), (2,))]


@pytest.mark.parametrize(
    ("edge_weight", "expected"),
    # the default absorbs the dropped sentence into its neighbour's bead: joined, the two
    # French sentences still match the Arabic one (0.51), though less than the first alone
    [(1.0, DROPPED), (0.0, [((0, 1), (0,)), ((2,), (1,)), ((3,), (2,))])],
)
def test_dropped_sentence_is_deleted_when_merging_it_adds_nothing(
    embedder, edge_weight: float, expected: list
) -> None:
    fr = [
        "La police a arrêté trois suspects après le cambriolage de la banque.",
        "Les voleurs avaient emporté près de deux millions d'euros en liquide.",
        "Un quatrième homme est toujours recherché.",
        "Le procès pourrait s'ouvrir au printemps.",
    ]
    ar = [
        "اعتقلت الشرطة ثلاثة مشتبه بهم بعد السطو على البنك.",
        "ولا يزال رجل رابع مطلوبا.",
        "وقد تبدأ المحاكمة في الربيع.",
    ]
    assert beads(fr, ar, embedder, AlignConfig(edge_weight=edge_weight)) == expected


def test_sentence_split_in_two_is_one_to_two(embedder) -> None:
    fr = [
        "Le musée rouvrira ses portes en juin après deux ans de travaux.",
        "Les visiteurs découvriront une nouvelle aile consacrée à la peinture "
        "du XIXe siècle, ainsi qu'un jardin de sculptures ouvert gratuitement au public.",
        "Le prix du billet reste inchangé.",
    ]
    ar = [
        "سيعيد المتحف فتح أبوابه في يونيو بعد عامين من الأشغال.",
        "وسيكتشف الزوار جناحا جديدا مخصصا للرسم في القرن التاسع عشر.",
        "كما سيجدون حديقة للمنحوتات مفتوحة مجانا للجمهور.",
        "ويبقى سعر التذكرة دون تغيير.",
    ]
    assert beads(fr, ar, embedder) == [((0,), (0,)), ((1,), (1, 2)), ((2,), (3,))]


def test_faithful_literary_paragraph_deletes_nothing(embedder) -> None:
    de = [
        "Am Morgen lag dichter Nebel über dem Gletscher.",
        "Wir warteten schweigend, bis die ersten Sonnenstrahlen den Grat erreichten.",
        "Dann brachen wir auf, langsam und vorsichtig, denn der Schnee war weich.",
        "Gegen Mittag standen wir endlich auf dem Gipfel.",
        "Die Aussicht entschädigte uns für alle Mühen.",
    ]
    fr = [
        "Le matin, un épais brouillard recouvrait le glacier.",
        "Nous attendîmes en silence que les premiers rayons du soleil atteignent l'arête.",
        "Puis nous partîmes, lentement et prudemment, car la neige était molle.",
        "Vers midi, nous nous tenions enfin au sommet.",
        "La vue nous récompensa de toutes nos peines.",
    ]
    assert beads(de, fr, embedder) == [((k,), (k,)) for k in range(5)]


FIRE_FR = [
    "Les pompiers ont maîtrisé l'incendie de la forêt après trois jours de lutte.",
    "Plus de deux mille hectares ont brûlé dans la région.",
    "Le maire de la commune voisine n'a pas souhaité commenter l'enquête.",  # not translated
    "Les habitants évacués pourront rentrer chez eux dès demain.",
    "Une enquête a été ouverte pour déterminer l'origine du feu.",
]
FIRE_AR = [
    "سيطر رجال الإطفاء على حريق الغابة بعد ثلاثة أيام من المكافحة.",
    "واحترق أكثر من ألفي هكتار في المنطقة.",
    "وسيتمكن السكان الذين تم إجلاؤهم من العودة إلى منازلهم اعتبارا من الغد.",
    "وفتح تحقيق لتحديد سبب الحريق.",
]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        # nothing near the untranslated sentence matches it: it is cheap to delete
        (AlignConfig(), [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((3,), (2,)), ((4,), (3,))]),
        # one fixed cost for every deletion: it is absorbed into its neighbour's bead
        (
            AlignConfig(deletion_penalty=0.3, skip_slope=0.0),
            [((0,), (0,)), ((1,), (1,)), ((2, 3), (2,)), ((4,), (3,))],
        ),
    ],
)
def test_sentence_without_a_match_nearby_is_deleted_not_merged(
    embedder, config: AlignConfig, expected: list
) -> None:
    assert beads(FIRE_FR, FIRE_AR, embedder, config) == expected


CAPTION_FR = [
    "Une explosion a détruit mardi une grande partie du port de Beyrouth.",
    "Au moins cent personnes ont été tuées et des milliers blessées.",
    "Les hôpitaux de la ville sont débordés par l'afflux de blessés.",
    "Photo : le port de Beyrouth après l'explosion.",
    "Le gouvernement a décrété trois jours de deuil national.",
    "Plusieurs pays ont proposé d'envoyer des équipes de secours.",
]
CAPTION_AR = [
    "دمر انفجار يوم الثلاثاء جزءا كبيرا من مرفأ بيروت.",
    "صورة: مرفأ بيروت بعد الانفجار.",  # the caption sits three lines earlier here
    "قتل ما لا يقل عن مئة شخص وأصيب الآلاف.",
    "وامتلأت مستشفيات المدينة بتدفق الجرحى.",
    "وأعلنت الحكومة الحداد الوطني لمدة ثلاثة أيام.",
    "وعرضت عدة دول إرسال فرق إنقاذ.",
]


def test_caption_moved_by_the_layout_is_aligned_out_of_order(embedder) -> None:
    expected = [((0,), (0,)), ((1,), (2,)), ((2,), (3,)), ((3,), (1,)), ((4,), (4,)), ((5,), (5,))]
    assert beads(CAPTION_FR, CAPTION_AR, embedder) == expected


def test_without_displacement_recovery_the_moved_caption_is_deleted_on_both_sides(
    embedder,
) -> None:
    found = beads(CAPTION_FR, CAPTION_AR, embedder, AlignConfig(displaced_window=0))
    assert ((3,), ()) in found and ((), (1,)) in found


PIG_FR = [
    "Un agriculteur a été tué par un porc dans un marché du sud-ouest de la Chine.",
    "Son cousin l'a retrouvé mort le lendemain matin.",
    "Le marché a rouvert ses portes mardi.",  # dropped from the Arabic
    "Les autorités du marché négocient une indemnisation avec la famille.",
]
PIG_AR = [
    "قتل خنزير مزارعًا في سوق بجنوب غرب الصين.",
    "وعثر عليه ابن عمه ميتًا في صباح اليوم التالي.",
    "جميع الحقوق محفوظة",  # furniture in its place
    "وتتفاوض سلطات السوق مع العائلة بشأن تعويض.",
]


@pytest.mark.parametrize(
    ("unrelated_below", "expected"),
    [
        (0.0, [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((), (2,)), ((3,), (3,))]),
        # without the rule the two neighbours are paired, at similarity 0
        (-1.0, [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), (3,))]),
    ],
)
def test_dropped_sentence_beside_a_furniture_line_are_two_deletions(
    embedder, unrelated_below: float, expected: list
) -> None:
    assert beads(PIG_FR, PIG_AR, embedder, AlignConfig(unrelated_below=unrelated_below)) == expected
