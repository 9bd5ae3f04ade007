"""Names the pseudonymiser must not take for people: Norwegian municipalities (today's and the
ones merged since 2017, which older interviews name), counties, regions and countries, and
organisations, companies and documents often named in Norwegian public talk.

Hand-made from the public lists; a word found here is a person only with evidence (next to
another part of the same person's name, or tagged PER by the NER in that very text).
"""

from __future__ import annotations

MUNICIPALITIES: tuple[str, ...] = (
    # Oslo, Akershus, Østfold, Buskerud
    "Oslo", "Bærum", "Asker", "Lillestrøm", "Nordre Follo", "Ullensaker", "Nesodden", "Frogn",
    "Vestby", "Ås", "Enebakk", "Lørenskog", "Rælingen", "Aurskog-Høland", "Nes", "Gjerdrum",
    "Nittedal", "Lunner", "Jevnaker", "Nannestad", "Eidsvoll", "Hurdal", "Halden", "Moss",
    "Sarpsborg", "Fredrikstad", "Hvaler", "Råde", "Våler", "Skiptvet", "Indre Østfold",
    "Rakkestad", "Marker", "Aremark", "Drammen", "Kongsberg", "Ringerike", "Hole", "Lier",
    "Øvre Eiker", "Modum", "Krødsherad", "Flå", "Nesbyen", "Gol", "Hemsedal", "Ål", "Hol",
    "Sigdal", "Flesberg", "Rollag", "Nore og Uvdal",
    # Innlandet
    "Kongsvinger", "Hamar", "Lillehammer", "Gjøvik", "Ringsaker", "Løten", "Stange",
    "Nord-Odal", "Sør-Odal", "Eidskog", "Grue", "Åsnes", "Elverum", "Trysil", "Åmot",
    "Stor-Elvdal", "Rendalen", "Engerdal", "Tolga", "Tynset", "Alvdal", "Folldal", "Os",
    "Dovre", "Lesja", "Skjåk", "Lom", "Vågå", "Nord-Fron", "Sel", "Sør-Fron", "Ringebu", "Øyer",
    "Gausdal", "Østre Toten", "Vestre Toten", "Gran", "Søndre Land", "Nordre Land",
    "Sør-Aurdal", "Etnedal", "Nord-Aurdal", "Vestre Slidre", "Øystre Slidre", "Vang",
    # Vestfold, Telemark, Agder
    "Horten", "Holmestrand", "Tønsberg", "Sandefjord", "Larvik", "Færder", "Porsgrunn",
    "Skien", "Notodden", "Siljan", "Bamble", "Kragerø", "Drangedal", "Nome", "Midt-Telemark",
    "Tinn", "Hjartdal", "Seljord", "Kviteseid", "Nissedal", "Fyresdal", "Tokke", "Vinje",
    "Risør", "Grimstad", "Arendal", "Kristiansand", "Lindesnes", "Farsund", "Flekkefjord",
    "Gjerstad", "Vegårshei", "Tvedestrand", "Froland", "Lillesand", "Birkenes", "Åmli",
    "Iveland", "Evje og Hornnes", "Bygland", "Valle", "Bykle", "Vennesla", "Åseral", "Lyngdal",
    "Hægebostad", "Kvinesdal", "Sirdal",
    # Rogaland
    "Stavanger", "Sandnes", "Haugesund", "Sola", "Randaberg", "Strand", "Hjelmeland", "Suldal",
    "Sauda", "Kvitsøy", "Bokn", "Tysvær", "Karmøy", "Utsira", "Vindafjord", "Eigersund",
    "Sokndal", "Lund", "Bjerkreim", "Hå", "Klepp", "Time", "Gjesdal",
    # Vestland
    "Bergen", "Kinn", "Etne", "Sveio", "Bømlo", "Stord", "Fitjar", "Tysnes", "Kvinnherad",
    "Ullensvang", "Eidfjord", "Ulvik", "Voss", "Kvam", "Samnanger", "Bjørnafjorden",
    "Austevoll", "Øygarden", "Askøy", "Vaksdal", "Modalen", "Osterøy", "Alver", "Austrheim",
    "Fedje", "Masfjorden", "Gulen", "Solund", "Hyllestad", "Høyanger", "Vik", "Sogndal",
    "Aurland", "Lærdal", "Årdal", "Luster", "Askvoll", "Fjaler", "Sunnfjord", "Bremanger",
    "Stad", "Gloppen", "Stryn",
    # Møre og Romsdal
    "Kristiansund", "Molde", "Ålesund", "Vanylven", "Sande", "Herøy", "Ulstein", "Hareid",
    "Ørsta", "Volda", "Stranda", "Sykkylven", "Sula", "Giske", "Vestnes", "Rauma", "Aukra",
    "Averøy", "Gjemnes", "Tingvoll", "Sunndal", "Surnadal", "Smøla", "Aure", "Fjord",
    "Hustadvika", "Haram",
    # Trøndelag
    "Trondheim", "Steinkjer", "Namsos", "Frøya", "Osen", "Oppdal", "Rennebu", "Røros",
    "Holtålen", "Midtre Gauldal", "Melhus", "Skaun", "Malvik", "Selbu", "Tydal", "Meråker",
    "Stjørdal", "Frosta", "Levanger", "Verdal", "Snåsa", "Lierne", "Røyrvik", "Namsskogan",
    "Grong", "Høylandet", "Overhalla", "Flatanger", "Leka", "Inderøy", "Indre Fosen", "Heim",
    "Hitra", "Ørland", "Åfjord", "Orkland", "Nærøysund", "Rindal",
    # Nordland
    "Bodø", "Narvik", "Bindal", "Sømna", "Brønnøy", "Vega", "Vevelstad", "Alstahaug",
    "Leirfjord", "Vefsn", "Grane", "Hattfjelldal", "Dønna", "Nesna", "Hemnes", "Rana", "Lurøy",
    "Træna", "Rødøy", "Meløy", "Gildeskål", "Beiarn", "Saltdal", "Fauske", "Sørfold",
    "Steigen", "Lødingen", "Evenes", "Røst", "Værøy", "Flakstad", "Vestvågøy", "Vågan",
    "Hadsel", "Bø", "Øksnes", "Sortland", "Andøy", "Moskenes", "Hamarøy",
    # Troms, Finnmark
    "Tromsø", "Harstad", "Kvæfjord", "Tjeldsund", "Ibestad", "Gratangen", "Lavangen", "Bardu",
    "Salangen", "Målselv", "Sørreisa", "Dyrøy", "Senja", "Balsfjord", "Karlsøy", "Lyngen",
    "Storfjord", "Kåfjord", "Skjervøy", "Nordreisa", "Kvænangen", "Alta", "Vardø", "Vadsø",
    "Hammerfest", "Kautokeino", "Loppa", "Hasvik", "Måsøy", "Nordkapp", "Porsanger",
    "Karasjok", "Lebesby", "Gamvik", "Berlevåg", "Tana", "Nesseby", "Sør-Varanger",
    # merged since 2017 (older interviews name them)
    "Flora", "Førde", "Askim", "Eidsberg", "Spydeberg", "Hobøl", "Trøgstad", "Rygge",
    "Rømskog", "Fet", "Sørum", "Skedsmo", "Oppegård", "Ski", "Hurum", "Røyken", "Nedre Eiker",
    "Svelvik", "Stokke", "Nøtterøy", "Tjøme", "Andebu", "Lardal", "Sauherad", "Songdalen",
    "Søgne", "Mandal", "Marnardal", "Audnedal", "Finnøy", "Rennesøy", "Forsand", "Fusa",
    "Radøy", "Meland", "Lindås", "Sund", "Fjell", "Jondal", "Odda", "Granvin", "Leikanger",
    "Balestrand", "Gaular", "Jølster", "Naustdal", "Vågsøy", "Selje", "Eid", "Hornindal",
    "Ørskog", "Skodje", "Sandøy", "Nesset", "Midsund", "Halsa", "Eide", "Fræna", "Norddal",
    "Stordal", "Klæbu", "Hemne", "Snillfjord", "Agdenes", "Meldal", "Orkdal", "Rissa",
    "Leksvik", "Roan", "Bjugn", "Verran", "Namdalseid", "Fosnes", "Vikna", "Nærøy", "Mosvik",
    "Tysfjord", "Ballangen", "Skånland", "Lenvik", "Torsken", "Tranøy", "Kvalsund", "Hof",
    "Florø",
)  # fmt: skip

COUNTIES_AND_REGIONS: tuple[str, ...] = (
    "Akershus", "Buskerud", "Østfold", "Vestfold", "Telemark", "Agder", "Rogaland", "Vestland",
    "Møre og Romsdal", "Trøndelag", "Nordland", "Troms", "Finnmark", "Innlandet", "Viken",
    "Hedmark", "Oppland", "Hordaland", "Sogn og Fjordane", "Aust-Agder", "Vest-Agder",
    "Sør-Trøndelag", "Nord-Trøndelag", "Vestfold og Telemark", "Troms og Finnmark", "Norge",
    "Noreg", "Norden", "Skandinavia", "Europa", "Afrika", "Asia", "Amerika", "Oseania",
    "Sørlandet", "Vestlandet", "Østlandet", "Nord-Norge", "Midt-Norge", "Sunnmøre",
    "Nordmøre", "Romsdal", "Hardanger", "Sogn", "Sunnhordland", "Hallingdal", "Valdres",
    "Gudbrandsdalen", "Østerdalen", "Glåmdal", "Hedmarken", "Toten", "Lofoten", "Vesterålen",
    "Helgeland", "Jæren", "Ryfylke", "Setesdal", "Romerike", "Follo", "Svalbard",
)  # fmt: skip

COUNTRIES: tuple[str, ...] = (
    "Sverige", "Danmark", "Finland", "Island", "Tyskland", "Frankrike", "Spania", "Portugal",
    "Italia", "Hellas", "Storbritannia", "England", "Skottland", "Wales", "Irland",
    "Nederland", "Belgia", "Luxembourg", "Sveits", "Østerrike", "Polen", "Tsjekkia",
    "Slovakia", "Ungarn", "Romania", "Bulgaria", "Serbia", "Kroatia", "Slovenia", "Bosnia",
    "Albania", "Montenegro", "Kosovo", "Nord-Makedonia", "Makedonia", "Tyrkia", "Kypros",
    "Malta", "Estland", "Latvia", "Litauen", "Russland", "Ukraina", "Hviterussland", "Belarus",
    "Moldova", "Georgia", "Armenia", "Aserbajdsjan", "Kasakhstan", "Usbekistan",
    "Afghanistan", "Pakistan", "India", "Kina", "Japan", "Korea", "Sør-Korea", "Nord-Korea",
    "Vietnam", "Thailand", "Indonesia", "Filippinene", "Malaysia", "Singapore", "Myanmar",
    "Bangladesh", "Nepal", "Sri Lanka", "Iran", "Irak", "Syria", "Libanon", "Israel",
    "Palestina", "Gaza", "Jordan", "Saudi-Arabia", "Jemen", "Oman", "Qatar", "Kuwait", "Egypt",
    "Libya", "Tunisia", "Algerie", "Marokko", "Sudan", "Sør-Sudan", "Etiopia", "Eritrea",
    "Somalia", "Kenya", "Uganda", "Tanzania", "Rwanda", "Burundi", "Kongo", "Nigeria", "Ghana",
    "Mali", "Niger", "Tsjad", "Senegal", "Gambia", "Sør-Afrika", "Zimbabwe", "Zambia",
    "Mosambik", "Angola", "Namibia", "Botswana", "Madagaskar", "USA", "Canada", "Mexico",
    "Brasil", "Argentina", "Chile", "Peru", "Colombia", "Venezuela", "Bolivia", "Ecuador",
    "Cuba", "Haiti", "Australia", "New Zealand", "Grønland", "Færøyene", "Tibet", "Taiwan",
)  # fmt: skip


ORGANISATIONS: tuple[str, ...] = (
    "Røde Kors", "Redd Barna", "Norsk Folkehjelp", "Kirkens Nødhjelp", "Flyktninghjelpen",
    "Leger Uten Grenser", "Amnesty", "Caritas", "Unicef", "Unesco", "Nato", "Equinor",
    "Statoil", "Yara", "Telenor", "Hydro", "Statkraft", "Orkla", "Nammo", "Posten", "Vinmonopolet",
    "Widerøe", "Norwegian", "Schibsted", "Aftenposten", "Dagbladet", "Agderposten", "Pfizer",
    "Moderna", "AstraZeneca", "BioNTech", "Janssen", "Google", "Microsoft", "Facebook", "Meta",
    "Amazon", "Tesla", "Excel", "Grunnloven", "Grunnlova", "Stortinget", "Storting",
    "Kommunerevisjonen", "Fylkesmannen", "Statsforvalteren",
)  # fmt: skip


def place_words() -> frozenset[str]:
    """Every capitalised word and hyphenated whole of the names above, as written."""
    out: set[str] = set()
    for name in (*MUNICIPALITIES, *COUNTIES_AND_REGIONS, *COUNTRIES, *ORGANISATIONS):
        for word in name.split():
            if word[:1].isupper():
                out.add(word)
                out.update(p for p in word.split("-") if p[:1].isupper() and len(p) > 1)
    return frozenset(out)
