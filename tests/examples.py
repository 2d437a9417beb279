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
