"""NDT (Oslo-Bergen) tags and features mapped to Universal POS and UD-style morphology.

The mapping is ours; it follows the UD Norwegian guidelines where they are simple to
reproduce from NDT columns, so that ``token.pos_`` means the same whatever pipeline is loaded.
"""

from __future__ import annotations

PUNCT_TAGS = frozenset({"clb", "<komma>", "<anf>", "<strek>", "<parentes-beg>", "<parentes-slutt>"})

SIMPLE_UPOS: dict[str, str] = {
    "adj": "ADJ",
    "adv": "ADV",
    "prep": "ADP",
    "konj": "CCONJ",
    "sbu": "SCONJ",
    "pron": "PRON",
    "inf-merke": "PART",
    "interj": "INTJ",
    "ukjent": "X",
    "symb": "SYM",
}

# Verbs that UD treats as auxiliaries: copula/passive always, the rest only with a verb child.
ALWAYS_AUX = frozenset({"være", "bli"})
AUX_WITH_VERB = frozenset({"ha", "kunne", "skulle", "ville", "måtte", "burde"})
VERB_CHILD_DEPRELS = frozenset({"INFV"})

NUMBER_WORDS = frozenset(
    {
        "null",
        "to",
        "tre",
        "fire",
        "fem",
        "seks",
        "sju",
        "syv",
        "åtte",
        "ni",
        "ti",
        "elleve",
        "tolv",
        "tretten",
        "fjorten",
        "femten",
        "seksten",
        "sytten",
        "atten",
        "nitten",
        "tjue",
        "tretti",
        "førti",
        "femti",
        "seksti",
        "sytti",
        "åtti",
        "nitti",
        "hundre",
        "tusen",
    }
)

# NDT feature -> UD-style (feature, value) pairs. Unlisted NDT features are dropped from
# `morph` because they describe clause boundaries or orthography, not the word form.
FEATURES: dict[str, tuple[tuple[str, str], ...]] = {
    "mask": (("Gender", "Masc"),),
    "fem": (("Gender", "Fem"),),
    "nøyt": (("Gender", "Neut"),),
    "m/f": (("Gender", "Fem,Masc"),),
    "ub": (("Definite", "Ind"),),
    "be": (("Definite", "Def"),),
    "ent": (("Number", "Sing"),),
    "fl": (("Number", "Plur"),),
    "pres": (("Mood", "Ind"), ("Tense", "Pres"), ("VerbForm", "Fin")),
    "pret": (("Mood", "Ind"), ("Tense", "Past"), ("VerbForm", "Fin")),
    "inf": (("VerbForm", "Inf"),),
    "imp": (("Mood", "Imp"), ("VerbForm", "Fin")),
    "perf-part": (("VerbForm", "Part"),),
    "pass": (("Voice", "Pass"),),
    "pos": (("Degree", "Pos"),),
    "komp": (("Degree", "Cmp"),),
    "sup": (("Degree", "Sup"),),
    "nom": (("Case", "Nom"),),
    "akk": (("Case", "Acc"),),
    "gen": (("Case", "Gen"),),
    "1": (("Person", "1"),),
    "2": (("Person", "2"),),
    "3": (("Person", "3"),),
    "pers": (("PronType", "Prs"),),
    "refl": (("PronType", "Prs"), ("Reflex", "Yes")),
    "dem": (("PronType", "Dem"),),
    "poss": (("Poss", "Yes"),),
    "sp": (("PronType", "Int"),),
    "fork": (("Abbr", "Yes"),),
    "<ordenstall>": (("NumType", "Ord"),),
}


def is_number(form: str, lemma: str) -> bool:
    """True for cardinal numbers written as digits or as common number words."""
    return any(ch.isdigit() for ch in form) or lemma.lower() in NUMBER_WORDS


def to_upos(tag: str, feats: list[str], form: str, lemma: str, has_verb_child: bool) -> str:
    """The Universal POS tag for one NDT token."""
    if tag in PUNCT_TAGS:
        return "PUNCT"
    if tag == "subst":
        return "PROPN" if "prop" in feats else "NOUN"
    if tag == "verb":
        low = lemma.lower()
        if low in ALWAYS_AUX or (low in AUX_WITH_VERB and has_verb_child):
            return "AUX"
        return "VERB"
    if tag == "det":
        if "kvant" in feats and is_number(form, lemma):
            return "NUM"
        return "DET"
    return SIMPLE_UPOS.get(tag, "X")


def to_morph(feats: list[str], upos: str) -> str:
    """A spaCy morph string (``Feat=Val|...``) from NDT feature names."""
    values: dict[str, str] = {}
    for feat in feats:
        for name, value in FEATURES.get(feat, ()):
            values.setdefault(name, value)
    if upos == "NUM":
        values["NumType"] = "Card"
        values.pop("PronType", None)
    return "|".join(f"{k}={values[k]}" for k in sorted(values))
