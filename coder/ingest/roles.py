"""The one place that maps role labels, Norwegian job titles and party names to a RoleGroup.

Matching is case-insensitive and tolerant of inflection and compounds: a label is
casefolded, hyphens and spaces are dropped, and known stems are searched as
substrings ("Kommunalsjef oppvekst" -> "kommunalsjefoppvekst" contains
"kommunalsjef"; "rådmannen" contains "rådmann"). When several stems match, the
one that starts first wins (Norwegian titles put the head noun first: "Rådgiver i
rådmannens stab" is staff), ties going to the longer stem ("kommunalsjef" beats
"sjef"-like shorter stems).
"""

from __future__ import annotations

import re
from functools import lru_cache

from coder.domain import RoleGroup
from coder.language import bokmal_forms

# (stem as matched after normalisation, canonical title, group)
_STEMS: tuple[tuple[str, str, RoleGroup], ...] = (
    # politicians
    ("varaordfører", "Varaordfører", RoleGroup.POLITICIAN),
    ("ordfører", "Ordfører", RoleGroup.POLITICIAN),
    ("gruppeleder", "Gruppeleder", RoleGroup.POLITICIAN),
    ("formannskap", "Formannskapsmedlem", RoleGroup.POLITICIAN),
    ("kommunestyre", "Kommunestyremedlem", RoleGroup.POLITICIAN),
    ("bystyre", "Bystyrerepresentant", RoleGroup.POLITICIAN),
    ("fylkesting", "Fylkestingsrepresentant", RoleGroup.POLITICIAN),
    ("stortingsrepresentant", "Stortingsrepresentant", RoleGroup.POLITICIAN),
    ("stortingspresident", "Stortingspresident", RoleGroup.POLITICIAN),
    ("politiker", "Politiker", RoleGroup.POLITICIAN),
    ("politisk", "Politiker", RoleGroup.POLITICIAN),
    ("hovedutvalgsleder", "Hovedutvalgsleder", RoleGroup.POLITICIAN),
    ("utvalgsleder", "Utvalgsleder", RoleGroup.POLITICIAN),
    ("hovedutvalg", "Hovedutvalgsleder", RoleGroup.POLITICIAN),  # "Leder av hovedutvalg ..."
    ("kontrollutvalg", "Kontrollutvalgsmedlem", RoleGroup.POLITICIAN),
    ("opposisjon", "Opposisjonspolitiker", RoleGroup.POLITICIAN),
    ("statsråd", "Statsråd", RoleGroup.POLITICIAN),
    ("statsminister", "Statsminister", RoleGroup.POLITICIAN),
    ("minister", "Minister", RoleGroup.POLITICIAN),
    ("presidenten", "Presidenten", RoleGroup.POLITICIAN),
    # the chief executive's level
    ("assisterenderådmann", "Assisterende rådmann", RoleGroup.CEO_LEVEL),
    ("rådmann", "Rådmann", RoleGroup.CEO_LEVEL),
    ("rådmenn", "Rådmann", RoleGroup.CEO_LEVEL),
    ("kommunalsjef", "Kommunalsjef", RoleGroup.CEO_LEVEL),
    ("kommunedirektør", "Kommunedirektør", RoleGroup.CEO_LEVEL),
    ("kommunaldirektør", "Kommunaldirektør", RoleGroup.CEO_LEVEL),
    ("ledergruppe", "Ledergruppen", RoleGroup.CEO_LEVEL),
    ("kommuneleder", "Kommuneleder", RoleGroup.CEO_LEVEL),
    ("administrasjonssjef", "Administrasjonssjef", RoleGroup.CEO_LEVEL),
    # staff and support
    ("økonomisjef", "Økonomisjef", RoleGroup.STAFF_SUPPORT),
    ("økonomi", "Økonomi", RoleGroup.STAFF_SUPPORT),
    ("personalsjef", "Personalsjef", RoleGroup.STAFF_SUPPORT),
    ("personalrådgiver", "Personalrådgiver", RoleGroup.STAFF_SUPPORT),
    ("personalleder", "Personalleder", RoleGroup.STAFF_SUPPORT),
    ("hrsjef", "HR-sjef", RoleGroup.STAFF_SUPPORT),
    ("hrleder", "HR-leder", RoleGroup.STAFF_SUPPORT),
    ("hrrådgiver", "HR-rådgiver", RoleGroup.STAFF_SUPPORT),
    ("organisasjonssjef", "Organisasjonssjef", RoleGroup.STAFF_SUPPORT),
    ("iktsjef", "IKT-sjef", RoleGroup.STAFF_SUPPORT),
    ("iktleder", "IKT-leder", RoleGroup.STAFF_SUPPORT),
    ("itsjef", "IT-sjef", RoleGroup.STAFF_SUPPORT),
    ("informasjonssjef", "Informasjonssjef", RoleGroup.STAFF_SUPPORT),
    ("kommunikasjonssjef", "Kommunikasjonssjef", RoleGroup.STAFF_SUPPORT),
    ("plansjef", "Plansjef", RoleGroup.STAFF_SUPPORT),
    ("controller", "Controller", RoleGroup.STAFF_SUPPORT),
    ("rådgiver", "Rådgiver", RoleGroup.STAFF_SUPPORT),
    ("stabsleder", "Stabsleder", RoleGroup.STAFF_SUPPORT),
    ("stabssjef", "Stabssjef", RoleGroup.STAFF_SUPPORT),
    ("lønnsleder", "Lønnsleder", RoleGroup.STAFF_SUPPORT),
    ("lønnssjef", "Lønnssjef", RoleGroup.STAFF_SUPPORT),
    ("arkivleder", "Arkivleder", RoleGroup.STAFF_SUPPORT),
    ("arkivsjef", "Arkivsjef", RoleGroup.STAFF_SUPPORT),
    ("servicetorg", "Servicetorget", RoleGroup.STAFF_SUPPORT),
    ("tjenestetorg", "Tjenestetorget", RoleGroup.STAFF_SUPPORT),
    ("innbyggertorg", "Innbyggertorget", RoleGroup.STAFF_SUPPORT),
    ("servicekontor", "Servicekontoret", RoleGroup.STAFF_SUPPORT),
    ("sentralbord", "Sentralbordet", RoleGroup.STAFF_SUPPORT),
    ("økonomiavdeling", "Økonomiavdelingen", RoleGroup.STAFF_SUPPORT),
    ("personalavdeling", "Personalavdelingen", RoleGroup.STAFF_SUPPORT),
    ("lønnsavdeling", "Lønnsavdelingen", RoleGroup.STAFF_SUPPORT),
    ("utviklingssjef", "Utviklingssjef", RoleGroup.STAFF_SUPPORT),
    ("utviklingsleder", "Utviklingsleder", RoleGroup.STAFF_SUPPORT),
    ("fagogutvikling", "Fag og utvikling", RoleGroup.STAFF_SUPPORT),
    ("innkjøpssjef", "Innkjøpssjef", RoleGroup.STAFF_SUPPORT),
    ("konsulent", "Konsulent", RoleGroup.STAFF_SUPPORT),
    # service unit leaders
    ("resultatenhetsleder", "Resultatenhetsleder", RoleGroup.UNIT_LEADER),
    ("virksomhetsleder", "Virksomhetsleder", RoleGroup.UNIT_LEADER),
    ("enhetsleder", "Enhetsleder", RoleGroup.UNIT_LEADER),
    ("rektor", "Rektor", RoleGroup.UNIT_LEADER),
    ("barnehagestyrer", "Barnehagestyrer", RoleGroup.UNIT_LEADER),
    ("styrer", "Styrer", RoleGroup.UNIT_LEADER),
    ("avdelingsleder", "Avdelingsleder", RoleGroup.UNIT_LEADER),
    ("sykehjemsleder", "Sykehjemsleder", RoleGroup.UNIT_LEADER),
    ("tjenesteleder", "Tjenesteleder", RoleGroup.UNIT_LEADER),
    # a sector's leader in a municipality that kept sectors (Hamar) leads services, not staff
    ("sektorleder", "Sektorleder", RoleGroup.UNIT_LEADER),
    ("hjemmetjeneste", "Leder hjemmetjenesten", RoleGroup.UNIT_LEADER),  # "Leder for ..."
    ("sykehjem", "Sykehjemsleder", RoleGroup.UNIT_LEADER),
    ("helsestasjon", "Leder helsestasjonen", RoleGroup.UNIT_LEADER),
    # Nynorsk forms (one case municipality, Stord, and some ParlaMint turns use Nynorsk)
    ("varaordførar", "Varaordførar", RoleGroup.POLITICIAN),
    ("ordførar", "Ordførar", RoleGroup.POLITICIAN),
    ("gruppeleiar", "Gruppeleiar", RoleGroup.POLITICIAN),
    ("rådgjevar", "Rådgjevar", RoleGroup.STAFF_SUPPORT),
    ("personalleiar", "Personalleiar", RoleGroup.STAFF_SUPPORT),
    ("stabsleiar", "Stabsleiar", RoleGroup.STAFF_SUPPORT),
    ("verksemdsleiar", "Verksemdsleiar", RoleGroup.UNIT_LEADER),
    ("einingsleiar", "Einingsleiar", RoleGroup.UNIT_LEADER),
    ("avdelingsleiar", "Avdelingsleiar", RoleGroup.UNIT_LEADER),
    ("tenesteleiar", "Tenesteleiar", RoleGroup.UNIT_LEADER),
    ("styrar", "Styrar", RoleGroup.UNIT_LEADER),
    ("intervjuar", "Intervjuar", RoleGroup.INTERVIEWER),
    # interviewers
    ("intervjuer", "Intervjuer", RoleGroup.INTERVIEWER),
    ("interviewer", "Intervjuer", RoleGroup.INTERVIEWER),
    ("moderator", "Moderator", RoleGroup.INTERVIEWER),
    ("forsker", "Forsker", RoleGroup.INTERVIEWER),
    ("fasilitator", "Fasilitator", RoleGroup.INTERVIEWER),
)

# Labels that are interviewer shorthands only when they are the whole label.
_INTERVIEWER_SHORT = re.compile(r"(?:i|q|int)\d{0,2}", re.IGNORECASE)

# Norwegian parties (abbreviations as used by Stortinget/ParlaMint and in common writing).
PARTY_ABBREVIATIONS: frozenset[str] = frozenset(
    s.casefold()
    for s in (
        "A", "Ap", "H", "FrP", "Sp", "SV", "KrF", "V", "R", "MDG", "PF", "INP", "KYST",
        "Kp", "NKP", "PP", "DEM", "FNB", "Uav", "TvF", "Sentrum", "Bygdelista",
    )
)  # fmt: skip
PARTY_NAMES: frozenset[str] = frozenset(
    s.casefold()
    for s in (
        "Arbeiderpartiet", "Høyre", "Fremskrittspartiet", "Senterpartiet",
        "Sosialistisk Venstreparti", "Kristelig Folkeparti", "Venstre", "Rødt",
        "Miljøpartiet De Grønne", "Pasientfokus", "Industri- og Næringspartiet",
        "Kystpartiet", "Uavhengig", "uavhengig representant",
    )
)  # fmt: skip

_STRIP_RE = re.compile(r"[\s\-–_.,/]+")
_STEM_RE = re.compile("|".join(sorted((re.escape(s) for s, _, _ in _STEMS), key=len, reverse=True)))
_BY_STEM = {stem: (title, group) for stem, title, group in _STEMS}

ROLE_GROUP_VALUES: frozenset[str] = frozenset(g.value for g in RoleGroup)


def is_party(text: str) -> bool:
    """True when `text` (e.g. the "(Ap)" of a ParlaMint label) names a Norwegian party."""
    key = " ".join(text.split()).casefold()
    return key in PARTY_ABBREVIATIONS or key in PARTY_NAMES


@lru_cache(maxsize=4096)
def infer_role(label: str, *, allow_party: bool = False) -> tuple[RoleGroup, str | None]:
    """Map a speaker label or title to (group, canonical title); (OTHER, None) when unknown.

    `allow_party` is for text known to be a role, such as a label's parenthesis or a header
    value: there "A" or "H" is a party, whereas as a bare label it is an anonymised speaker.
    """
    stripped = label.strip()
    if not stripped:
        return RoleGroup.OTHER, None
    if _INTERVIEWER_SHORT.fullmatch(stripped):
        return RoleGroup.INTERVIEWER, "Intervjuer"
    if allow_party and is_party(stripped):
        return RoleGroup.POLITICIAN, stripped
    key = _STRIP_RE.sub("", stripped.casefold())
    # search() finds the leftmost match; the alternation is sorted longest first, so at
    # that position the longest stem wins.
    m = _STEM_RE.search(key) or _STEM_RE.search(_as_bokmal(key))
    if m is None:
        return RoleGroup.OTHER, None
    title, group = _BY_STEM[m.group()]
    return group, title


def _as_bokmal(key: str) -> str:
    """A Nynorsk title in Bokmål words (politikar -> politiker, leiar heimetenesta -> leder
    hjemmetjenesta), so one table of titles serves both standards."""
    return " ".join((bokmal_forms(w) or (w,))[-1] for w in key.split())


def parse_role_value(value: str) -> tuple[RoleGroup, str | None] | None:
    """Read a header `role:` value: a RoleGroup value or a Norwegian title; None if unknown."""
    text = value.strip()
    if text.casefold() in ROLE_GROUP_VALUES:
        return RoleGroup(text.casefold()), None
    group, _title = infer_role(text, allow_party=True)
    if group is RoleGroup.OTHER:
        return None
    return group, text
