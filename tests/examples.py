"""French–Arabic sentences shared by several test modules."""

FR = [
    "Le gouvernement a annoncé mardi un nouveau plan pour l'emploi des jeunes.",
    "Le plan prévoit la création de 50 000 postes dans les régions rurales, et il sera "
    "financé par l'Union européenne.",
    "Abonnez-vous à notre newsletter pour recevoir les dernières nouvelles.",
    "Le ministre a déclaré que les premiers recrutements auront lieu en septembre.",
]
AR = [
    "أعلنت الحكومة يوم الثلاثاء عن خطة جديدة لتشغيل الشباب.",
    "وتنص الخطة على إنشاء 50 ألف وظيفة في المناطق الريفية.",
    "وسيمولها الاتحاد الأوروبي.",
    "وقال الوزير إن أولى عمليات التوظيف ستتم في سبتمبر.",
]

# Two paragraphs each side; in French a byline stands between them as a paragraph of its own.
COAL_FR = [
    "Le ministre a annoncé la fermeture de trois centrales à charbon d'ici 2030.",
    "Les syndicats craignent la perte de plusieurs milliers d'emplois dans la région.",
    "Par la rédaction",
    "Une manifestation est prévue samedi devant la préfecture.",
    "Le gouvernement promet un plan de reconversion pour les salariés.",
]
COAL_AR = [
    "أعلن الوزير إغلاق ثلاث محطات تعمل بالفحم بحلول عام 2030.",
    "وتخشى النقابات فقدان عدة آلاف من الوظائف في المنطقة.",
    "ومن المقرر تنظيم مظاهرة يوم السبت أمام مقر المحافظة.",
    "وتعد الحكومة بخطة لإعادة تأهيل العمال.",
]
