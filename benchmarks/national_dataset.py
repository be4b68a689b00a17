"""A country-sized synthetic dataset: the 43 municipalities of Latvia, 300 000 persons in households.

    .venv/bin/python -m benchmarks.national_dataset \\
        --database-url postgresql://postgres@127.0.0.1:5432/atbalsts_national --create
    .venv/bin/python -m benchmarks.national_dataset --database-url … --persons 2000 --municipalities 3

What it makes (design §4, the national scale the benchmarks measure):

- the 43 municipalities of the 2021 reform (7 state cities, 36 novadi) with their ATVK 2021 codes; persons
  spread by population, Rīga holding 40 %;
- persons in households (singles, couples, families with children, single parents, pensioners,
  three generations), with spouse and parent/child relationships stored in both directions, a declared
  address each (Latvian streets, flats, farmsteads, localities, LV-NNNN postal codes; some with an earlier
  or an actual address), disability and pension periods, valid personal codes (old format with check digit
  for births before 1 July 2017, new 3[2-9] format after it and for ~8 % who switched, their old code kept
  as a former code), `name_norm` and `address_norm` by `app.domains.people.rules` (`normalise_name`,
  `normalise_address`), as the app computes them;
- cases with staff assignments and timelines for a few per cent of households;
- staff per municipality (accounts and memberships), named `<role>.<slug>` like the demo accounts, then
  `<role>.<slug>.<n>`; all share one password (`BENCH_PASSWORD`), hashed by `app.auth.passwords`;
- the default benefit catalogue, submitted means-test declarations of ~10 % of households (members,
  incomes of the last 3 full months, housing costs, property) and for some of them earlier declarations
  with decided applications, grants and statuses (`benchmarks.national_benefits`, which the benefits
  benchmark builds on).

Deterministic: one random generator per municipality seeded with `<seed>:<slug>`, ids included (UUIDv7
layout with a synthetic clock), so a municipality's data does not depend on which others are loaded; the
benefits part has a generator and an id stream of its own, and reads the legal parameters the migrated
database holds.
Written with COPY as the maintenance role (`app_maint`, BYPASSRLS: COPY FROM refuses tables under row-level
security otherwise, and every tenant table forces it, owner included), in batches of households (bounded
memory), one transaction per municipality. Safe to run again: a municipality loaded with the same seed and
size is skipped (so an interrupted run resumes); anything else already there is refused before writing.
No audit entries are written: this is bulk synthetic data, not acts of staff.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.demo import DEMO_PASSWORD, FEMALE_NAMES, MALE_NAMES
from app.domains.people.rules import normalise_address, normalise_name, old_format_code
from app.permissions import Role
from benchmarks import national_benefits
from benchmarks.national_benefits import BenefitsGenerator, ParameterBook

REFERENCE_DATE = dt.date(2026, 1, 1)  # "today" of the dataset: ages, periods and cases end before it
NEW_FORMAT_SINCE = dt.date(2017, 7, 1)  # personal codes without a birth date are issued from this day
SWITCHED_TO_NEW_FORMAT = 0.08  # share of persons born earlier who exchanged their code for a new one
RIGA_SHARE = 0.40
BENCH_USERNAME = "social_worker.riga"  # the benchmarks sign in as this account (same as the demo's)
BENCH_PASSWORD = DEMO_PASSWORD  # every generated account has it; published on purpose
EMAIL_DOMAIN = "national.atbalsts.lv"
CASE_SEQUENCE = "case"  # app.documents.numbering counter name for case numbers "L-<year>/<nnnnn>"
BATCH_HOUSEHOLDS = 2_000
# Part of every municipality's id: bump it when the generated data changes, so that a database made by an
# earlier version is refused rather than taken for this one's.
GENERATOR_VERSION = 2  # 2: declarations, the benefit catalogue, applications, decisions, grants, statuses
_BASE_MS = int(dt.datetime(2025, 6, 1, tzinfo=dt.UTC).timestamp() * 1000)  # synthetic UUIDv7 clock
_MS_PER_MUNICIPALITY = 10**8  # ~28 hours of synthetic clock each: ids never overlap between them
_BENEFITS_MS = 6 * 10**7  # the benefits part's ids start this far into the municipality's clock


# --------------------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A locality of a municipality: a city, a town or a parish (pagasts), with its postal codes."""

    name: str
    kind: str  # city | town | parish
    postal_first: int  # LV-NNNN
    postal_count: int = 1


@dataclass(frozen=True)
class Municipality:
    slug: str
    name: str
    atvk_code: str  # ATVK 2021 (MK 379, 15.06.2021): 00 + territory (01-19 state cities, 20-99 novadi) + 000
    population: int  # thousands, approximate (2023); only the relative size matters
    russian_share: float  # share of households with Russian names (Rīga and Latgale more)
    places: tuple[Place, ...]


def _novads(centre: str, postal: int, *others: str, towns: Sequence[str] = ()) -> tuple[Place, ...]:
    """A novads: its centre town (most people), further towns, then parishes with nearby postal codes."""
    places = [Place(centre, "town", postal, 3)]
    places += [Place(t, "town", postal + 10 + 7 * i) for i, t in enumerate(towns)]
    places += [Place(p, "parish", postal + 30 + 5 * i) for i, p in enumerate(others)]
    return tuple(places)


def _city(name: str, first: int, count: int) -> tuple[Place, ...]:
    return (Place(name, "city", first, count),)


M = Municipality
MUNICIPALITIES: tuple[Municipality, ...] = (
    M("riga", "Rīgas valstspilsēta", "0001000", 0, 0.36, _city("Rīga", 1001, 84)),
    M("daugavpils", "Daugavpils valstspilsēta", "0002000", 79, 0.55, _city("Daugavpils", 5401, 17)),
    M("jelgava", "Jelgavas valstspilsēta", "0003000", 55, 0.25, _city("Jelgava", 3001, 8)),
    M("jurmala", "Jūrmalas valstspilsēta", "0004000", 50, 0.30, _city("Jūrmala", 2008, 9)),
    M("liepaja", "Liepājas valstspilsēta", "0005000", 67, 0.28, _city("Liepāja", 3401, 17)),
    M("rezekne", "Rēzeknes valstspilsēta", "0006000", 27, 0.45, _city("Rēzekne", 4601, 4)),
    M("ventspils", "Ventspils valstspilsēta", "0007000", 33, 0.30, _city("Ventspils", 3601, 2)),
    M("aizkraukle", "Aizkraukles novads", "0020000", 30, 0.08,
      _novads("Aizkraukle", 5101, "Kokneses pagasts", "Skrīveru pagasts", "Neretas pagasts",
              towns=("Jaunjelgava", "Pļaviņas"))),
    M("aluksne", "Alūksnes novads", "0021000", 14, 0.08,
      _novads("Alūksne", 4301, "Jaunannas pagasts", "Mālupes pagasts", "Alsviķu pagasts")),
    M("augsdaugava", "Augšdaugavas novads", "0022000", 24, 0.40,
      _novads("Ilūkste", 5447, "Naujenes pagasts", "Kalkūnes pagasts", "Līksnas pagasts",
              towns=("Subate",))),
    M("adazi", "Ādažu novads", "0023000", 14, 0.10, _novads("Ādaži", 2164, "Carnikavas pagasts")),
    M("balvi", "Balvu novads", "0024000", 19, 0.20,
      _novads("Balvi", 4501, "Kubuļu pagasts", "Tilžas pagasts", towns=("Viļaka",))),
    M("bauska", "Bauskas novads", "0025000", 42, 0.08,
      _novads("Bauska", 3901, "Rundāles pagasts", "Vecumnieku pagasts", towns=("Iecava",))),
    M("cesis", "Cēsu novads", "0026000", 41, 0.06,
      _novads("Cēsis", 4101, "Priekuļu pagasts", "Amatas pagasts", "Vecpiebalgas pagasts",
              towns=("Līgatne",))),
    M("dienvidkurzeme", "Dienvidkurzemes novads", "0027000", 34, 0.08,
      _novads("Grobiņa", 3430, "Nīcas pagasts", "Rucavas pagasts", "Vaiņodes pagasts",
              towns=("Aizpute", "Priekule"))),
    M("dobele", "Dobeles novads", "0028000", 28, 0.08,
      _novads("Dobele", 3701, "Tērvetes pagasts", "Bēnes pagasts", towns=("Auce",))),
    M("gulbene", "Gulbenes novads", "0029000", 19, 0.08,
      _novads("Gulbene", 4401, "Lizuma pagasts", "Stāmerienas pagasts")),
    M("jelgavas-novads", "Jelgavas novads", "0030000", 33, 0.10,
      _novads("Ozolnieki", 3018, "Kalnciema pagasts", "Elejas pagasts", "Valgundes pagasts")),
    M("jekabpils", "Jēkabpils novads", "0031000", 41, 0.15,
      _novads("Jēkabpils", 5201, "Salas pagasts", towns=("Viesīte", "Aknīste"))),
    M("kraslava", "Krāslavas novads", "0032000", 21, 0.35,
      _novads("Krāslava", 5601, "Indras pagasts", towns=("Dagda",))),
    M("kuldiga", "Kuldīgas novads", "0033000", 30, 0.06,
      _novads("Kuldīga", 3301, "Alsungas pagasts", "Rendas pagasts", towns=("Skrunda",))),
    M("kekava", "Ķekavas novads", "0034000", 30, 0.15,
      _novads("Ķekava", 2123, "Daugmales pagasts", towns=("Baldone", "Baloži"))),
    M("limbazi", "Limbažu novads", "0035000", 31, 0.06,
      _novads("Limbaži", 4001, "Skultes pagasts", towns=("Salacgrīva", "Aloja"))),
    M("livani", "Līvānu novads", "0036000", 10, 0.25,
      _novads("Līvāni", 5316, "Rožupes pagasts", "Turku pagasts")),
    M("ludza", "Ludzas novads", "0037000", 22, 0.45,
      _novads("Ludza", 5701, "Cirmas pagasts", towns=("Zilupe", "Kārsava"))),
    M("madona", "Madonas novads", "0038001", 30, 0.06,
      _novads("Madona", 4801, "Ērgļu pagasts", towns=("Lubāna", "Cesvaine"))),
    M("marupe", "Mārupes novads", "0039000", 36, 0.15, _novads("Mārupe", 2167, "Babītes pagasts")),
    M("ogre", "Ogres novads", "0040000", 56, 0.15,
      _novads("Ogre", 5001, towns=("Ķegums", "Lielvārde", "Ikšķile"))),
    M("olaine", "Olaines novads", "0041000", 20, 0.30, _novads("Olaine", 2114, "Olaines pagasts")),
    M("preili", "Preiļu novads", "0042000", 15, 0.25,
      _novads("Preiļi", 5301, "Riebiņu pagasts", "Vārkavas pagasts", "Aglonas pagasts")),
    M("rezeknes-novads", "Rēzeknes novads", "0043000", 26, 0.35,
      _novads("Viļāni", 4650, "Maltas pagasts", "Kaunatas pagasts", "Nautrēnu pagasts")),
    M("ropazi", "Ropažu novads", "0044000", 25, 0.15,
      _novads("Ulbroka", 2130, "Ropažu pagasts", "Garkalnes pagasts", towns=("Vangaži",))),
    M("salaspils", "Salaspils novads", "0045000", 24, 0.30, _novads("Salaspils", 2121, "Salaspils pagasts")),
    M("saldus", "Saldus novads", "0046000", 28, 0.06,
      _novads("Saldus", 3801, "Nīgrandes pagasts", towns=("Brocēni",))),
    M("saulkrasti", "Saulkrastu novads", "0047000", 9, 0.10, _novads("Saulkrasti", 2160, "Sējas pagasts")),
    M("sigulda", "Siguldas novads", "0048000", 30, 0.06,
      _novads("Sigulda", 2150, "Krimuldas pagasts", "Mores pagasts", "Inčukalna pagasts")),
    M("smiltene", "Smiltenes novads", "0049000", 18, 0.05,
      _novads("Smiltene", 4729, "Raunas pagasts", "Palsmanes pagasts", "Launkalnes pagasts")),
    M("talsi", "Talsu novads", "0051000", 37, 0.05,
      _novads("Talsi", 3201, "Mērsraga pagasts", towns=("Sabile", "Stende", "Roja"))),
    M("tukums", "Tukuma novads", "0052000", 42, 0.08,
      _novads("Tukums", 3101, "Jaunpils pagasts", towns=("Kandava", "Engure"))),
    M("valka", "Valkas novads", "0053000", 8, 0.06,
      _novads("Valka", 4701, "Ērģemes pagasts", "Zvārtavas pagasts")),
    M("valmiera", "Valmieras novads", "0054000", 52, 0.06,
      _novads("Valmiera", 4201, "Kocēnu pagasts", towns=("Rūjiena", "Mazsalaca", "Strenči"))),
    M("varaklani", "Varakļānu novads", "0055000", 3, 0.20,
      _novads("Varakļāni", 4838, "Murmastienes pagasts")),
    M("ventspils-novads", "Ventspils novads", "0056000", 11, 0.08,
      _novads("Piltene", 3620, "Ugāles pagasts", "Tārgales pagasts", "Užavas pagasts")),
)  # fmt: skip
del M

# Latvian surnames (masculine, feminine), roughly by frequency; the order gives the weights.
LATVIAN_SURNAMES = (
    ("Bērziņš", "Bērziņa"), ("Kalniņš", "Kalniņa"), ("Ozoliņš", "Ozoliņa"), ("Jansons", "Jansone"),
    ("Ozols", "Ozola"), ("Liepiņš", "Liepiņa"), ("Krūmiņš", "Krūmiņa"), ("Balodis", "Balode"),
    ("Eglītis", "Eglīte"), ("Zariņš", "Zariņa"), ("Pētersons", "Pētersone"), ("Vītols", "Vītola"),
    ("Kļaviņš", "Kļaviņa"), ("Kārkliņš", "Kārkliņa"), ("Vanags", "Vanaga"), ("Lācis", "Lāce"),
    ("Siliņš", "Siliņa"), ("Dzenis", "Dzene"), ("Lapiņš", "Lapiņa"), ("Kalējs", "Kalēja"),
    ("Grīnbergs", "Grīnberga"), ("Riekstiņš", "Riekstiņa"), ("Jēkabsons", "Jēkabsone"),
    ("Strazds", "Strazda"),
    ("Āboliņš", "Āboliņa"), ("Rozenbergs", "Rozenberga"), ("Circenis", "Circene"), ("Millers", "Millere"),
    ("Krastiņš", "Krastiņa"), ("Auziņš", "Auziņa"), ("Putniņš", "Putniņa"), ("Upītis", "Upīte"),
    ("Freimanis", "Freimane"), ("Celmiņš", "Celmiņa"), ("Līcis", "Līce"), ("Skujiņš", "Skujiņa"),
    ("Rudzītis", "Rudzīte"), ("Gailis", "Gaile"), ("Sproģis", "Sproģe"), ("Žagars", "Žagare"),
    ("Grasis", "Grase"), ("Šmits", "Šmite"), ("Ķēniņš", "Ķēniņa"), ("Liepa", "Liepa"),
    ("Zvaigzne", "Zvaigzne"), ("Priede", "Priede"), ("Bērzs", "Bērza"), ("Kalns", "Kalna"),
    ("Lejiņš", "Lejiņa"), ("Briedis", "Briede"), ("Zālītis", "Zālīte"), ("Kronbergs", "Kronberga"),
    ("Baumanis", "Baumane"), ("Podnieks", "Podniece"), ("Rubenis", "Rubene"), ("Purmalis", "Purmale"),
    ("Mednis", "Medne"), ("Sīlis", "Sīle"), ("Vilks", "Vilka"), ("Zeltiņš", "Zeltiņa"),
    ("Cīrulis", "Cīrule"), ("Ābele", "Ābele"), ("Rozītis", "Rozīte"), ("Kaņeps", "Kaņepe"),
    ("Paegle", "Paegle"), ("Dreimanis", "Dreimane"), ("Bite", "Bite"), ("Ūdris", "Ūdre"),
)  # fmt: skip
RUSSIAN_SURNAMES = (
    ("Ivanovs", "Ivanova"), ("Petrovs", "Petrova"), ("Kuzņecovs", "Kuzņecova"), ("Smirnovs", "Smirnova"),
    ("Popovs", "Popova"), ("Vasiļjevs", "Vasiļjeva"), ("Sokolovs", "Sokolova"), ("Mihailovs", "Mihailova"),
    ("Novikovs", "Novikova"), ("Fjodorovs", "Fjodorova"), ("Morozovs", "Morozova"), ("Volkovs", "Volkova"),
    ("Aleksejevs", "Aleksejeva"), ("Lebedevs", "Lebedeva"), ("Semjonovs", "Semjonova"),
    ("Jegorovs", "Jegorova"),
    ("Pavlovs", "Pavlova"), ("Kozlovs", "Kozlova"), ("Stepanovs", "Stepanova"), ("Nikolajevs", "Nikolajeva"),
    ("Orlovs", "Orlova"), ("Andrejevs", "Andrejeva"), ("Makarovs", "Makarova"), ("Zaharovs", "Zaharova"),
    ("Solovjovs", "Solovjova"), ("Borisovs", "Borisova"), ("Jakovļevs", "Jakovļeva"),
    ("Romanovs", "Romanova"),
)  # fmt: skip
RUSSIAN_MALE_NAMES = {
    "older": ("Vladimirs", "Nikolajs", "Viktors", "Anatolijs", "Valērijs", "Genādijs", "Boriss", "Jurijs",
              "Mihails", "Vasilijs"),
    "middle": ("Aleksandrs", "Sergejs", "Andrejs", "Dmitrijs", "Igors", "Oļegs", "Aleksejs", "Deniss",
               "Vadims", "Romāns", "Jevgeņijs"),
    "younger": ("Artjoms", "Maksims", "Daniils", "Ņikita", "Kirils", "Ivans", "Mihails", "Aleksandrs",
                "Matvejs", "Deniss"),
}  # fmt: skip
RUSSIAN_FEMALE_NAMES = {
    "older": ("Ludmila", "Tatjana", "Valentīna", "Gaļina", "Nadežda", "Ņina", "Tamāra", "Raisa", "Ļubova",
              "Zinaīda"),
    "middle": ("Jeļena", "Olga", "Natālija", "Svetlana", "Irina", "Marina", "Jūlija", "Oksana", "Inna",
               "Tatjana"),
    "younger": ("Anastasija", "Jekaterina", "Viktorija", "Darja", "Alīna", "Poļina", "Sofija", "Marija",
                "Arina", "Diāna"),
}  # fmt: skip

CITY_STREETS = (
    "Brīvības iela", "Krišjāņa Barona iela", "Lāčplēša iela", "Elizabetes iela", "Tērbatas iela",
    "Aleksandra Čaka iela", "Avotu iela", "Maskavas iela", "Kalnciema iela", "Slokas iela",
    "Daugavgrīvas iela", "Krišjāņa Valdemāra iela", "Ropažu iela", "Purvciema iela", "Dzelzavas iela",
    "Vaidavas iela", "Ulbrokas iela", "Lubānas iela", "Kurzemes prospekts", "Zolitūdes iela",
    "Anniņmuižas bulvāris", "Ozolciema iela", "Kandavas iela", "Mežciema iela", "Juglas iela",
    "Brīvības gatve", "Ķengaraga iela", "Salnas iela", "Gaujas iela", "Hipokrāta iela", "Stirnu iela",
    "Pērnavas iela", "Tallinas iela", "Artilērijas iela", "Miera iela", "Bruņinieku iela",
    "Blaumaņa iela", "Ģertrūdes iela", "Dzirnavu iela", "Aristida Briāna iela", "Ieriķu iela",
    "Vienības gatve", "Mūkusalas iela", "Bauskas iela", "Lielirbes iela", "Nometņu iela", "Rīgas iela",
    "Jelgavas iela", "Liepājas iela", "Raiņa iela", "Saules iela", "Stacijas iela", "Dārza iela",
)  # fmt: skip
TOWN_STREETS = (
    "Rīgas iela", "Brīvības iela", "Skolas iela", "Dārza iela", "Parka iela", "Stacijas iela", "Pils iela",
    "Ezera iela", "Meža iela", "Upes iela", "Raiņa iela", "Saules iela", "Kalna iela", "Bērzu iela",
    "Ozolu iela", "Liepu iela", "Lauku iela", "Pļavas iela", "Smilšu iela", "Tirgus iela",
    "Baznīcas iela", "Ausekļa iela", "Blaumaņa iela", "Rūpniecības iela", "Jaunā iela", "Dzirnavu iela",
    "Krasta iela", "Lāčplēša iela", "Zaļā iela", "Vienības iela", "Aspazijas iela", "Pasta iela",
)  # fmt: skip
FARMSTEADS = (
    "Kalnāji", "Lejnieki", "Priedes", "Ozoli", "Bērzi", "Liepas", "Rozes", "Mežmalas", "Upmaļi",
    "Dārziņi", "Ceriņi", "Ābeles", "Purenes", "Krasti", "Silmalas", "Atvases", "Jaunzemji", "Vecvagari",
    "Kļavas", "Ievas", "Saulītes", "Zīles", "Pīlādži", "Lazdas", "Dzintari", "Avoti", "Birztalas",
)  # fmt: skip

# The classifiers of app.domains.cases.rules (CASE_TYPES, ENTRY_KINDS), with Latvian case titles.
CASE_TYPES = (
    # (case type, title, weight); violence cases are always sensitive
    ("social_assistance", "Sociālā palīdzība", 35),
    ("social_services", "Sociālie pakalpojumi", 20),
    ("child_and_family", "Atbalsts ģimenei ar bērniem", 15),
    ("elderly_care", "Aprūpe mājās", 12),
    ("disability", "Asistenta pakalpojums", 8),
    ("homelessness", "Mājokļa jautājumi", 4),
    ("addiction", "Atkarību mazināšana", 3),
    ("violence", "Vardarbības gadījums", 3),
)
CLOSE_REASONS = (
    "Mērķis sasniegts",
    "Klients deklarējis dzīvesvietu citā pašvaldībā",
    "Klients atteicās no pakalpojuma",
    "Apstākļi mainījušies, atbalsts vairs nav vajadzīgs",
)
ENTRIES = {
    # kind: ((subject, body), …), minutes (low, high)
    "note": (
        (("Piezīme par situāciju", "Klients informēja par izmaiņām ienākumos."),
         ("Piezīme par dokumentiem", "Iesniegta izziņa par bezdarbnieka statusu."),
         ("Piezīme", "Klients lūdz pārcelt tikšanos uz nākamo nedēļu.")),
        (5, 20),
    ),
    "journal": (
        (("Sociālā darba žurnāls", "Pārrunāts rehabilitācijas plāns un nākamie soļi."),
         ("Sociālā darba žurnāls", "Klients ievēro vienošanos, sadarbība laba.")),
        (15, 60),
    ),
    "home_visit": (
        (("Mājas vizīte", "Apsekoti dzīves apstākļi dzīvesvietā."),
         ("Atkārtota mājas vizīte", "Pārbaudīta aprūpes plāna izpilde.")),
        (30, 120),
    ),
    "consultation": (
        (("Konsultācija par pabalstiem", "Izskaidrotas GMI pabalsta piešķiršanas prasības."),
         ("Konsultācija", "Sniegta informācija par asistenta pakalpojumu."),
         ("Konsultācija par mājokļa pabalstu", "Izskaidrots, kādi izdevumi tiek ņemti vērā.")),
        (20, 60),
    ),
    "phone_call": (
        (("Telefonsaruna ar klientu", "Klients apstiprināja vizītes laiku."),
         ("Telefonsaruna ar bāriņtiesu", "Saskaņota rīcība bērna interesēs.")),
        (5, 25),
    ),
    "meeting": (
        (("Tikšanās ar klientu", "Pārrunāta situācija un vienošanās par nākamajiem soļiem."),
         ("Starpinstitūciju sanāksme", "Saskaņots atbalsta plāns ar skolu un ģimenes ārstu.")),
        (30, 90),
    ),
}  # fmt: skip
HOME_VISIT_FINDINGS = (
    "Dzīves apstākļi apmierinoši.",
    "Mājoklis nav pietiekami apsildīts; nepieciešama palīdzība kurināmā iegādē.",
    "Klientam grūtības pārvietoties; ieteikts aprūpes mājās pakalpojums.",
    "Bērni aprūpēti, mājoklī tīrs; ģimenei nepieciešams atbalsts skolas piederumu iegādē.",
)
ENTRY_KINDS = tuple(ENTRIES)


# --------------------------------------------------------------------------------------------------------
# The plan: how many persons and staff each municipality gets
# --------------------------------------------------------------------------------------------------------


def selected_municipalities(count: int) -> tuple[Municipality, ...]:
    """The first `count` municipalities: the state cities (Rīga first), then the novadi in ATVK order."""
    if not 1 <= count <= len(MUNICIPALITIES):
        raise ValueError(f"municipalities must be between 1 and {len(MUNICIPALITIES)}")
    return MUNICIPALITIES[:count]


def _weights(chosen: Sequence[Municipality]) -> list[float]:
    others = sum(m.population for m in MUNICIPALITIES if m.slug != "riga")
    riga = others * RIGA_SHARE / (1 - RIGA_SHARE)  # 40 % of the country's persons
    return [riga if m.slug == "riga" else float(m.population) for m in chosen]


def plan(persons: int, municipalities: int) -> list[tuple[Municipality, int]]:
    """Persons per municipality, proportional to population (largest remainder), summing to `persons`."""
    chosen = selected_municipalities(municipalities)
    if persons < len(chosen):
        raise ValueError("at least one person per municipality")
    weights = _weights(chosen)
    total = sum(weights)
    exact = [persons * w / total for w in weights]
    counts = [max(1, int(x)) for x in exact]
    by_remainder = sorted(range(len(chosen)), key=lambda i: exact[i] - int(exact[i]), reverse=True)
    i = 0
    while sum(counts) < persons:
        counts[by_remainder[i % len(chosen)]] += 1
        i += 1
    while sum(counts) > persons:  # only when the max(1, …) floor pushed a tiny one up
        largest = max(range(len(chosen)), key=lambda j: counts[j])
        counts[largest] -= 1
    return list(zip(chosen, counts, strict=True))


def _serial_blocks() -> tuple[tuple[int, int], ...]:
    """(first serial, count) per municipality of MUNICIPALITIES: the 1000 serials of a birth date shared by
    population (at least 3 each), so that codes never collide between municipalities."""
    weights = _weights(MUNICIPALITIES)
    sizes = [max(3, int(1000 * w / sum(weights))) for w in weights]
    sizes[0] -= sum(sizes) - 1000  # Rīga, the largest, absorbs the rounding
    starts = [sum(sizes[:i]) for i in range(len(sizes))]
    return tuple(zip(starts, sizes, strict=True))


SERIAL_BLOCKS = _serial_blocks()


def staff_plan(slug: str, persons: int) -> list[tuple[Role, str]]:
    """(role, username) of a municipality's staff: social workers by caseload, the other roles fewer. The
    first of each role is `<role>.<slug>` (the demo's naming, so `social_worker.riga` works everywhere)."""
    social_workers = max(2, round(persons / 2_500))
    counts = {
        Role.SOCIAL_WORKER: social_workers,
        Role.CASE_MANAGER: max(1, social_workers // 4),
        Role.BENEFIT_OFFICER: max(1, social_workers // 6),
        Role.ACCOUNTANT: 1,
        Role.HEAD_OF_SERVICE: 1,
        Role.READONLY_INSTITUTION: 1,
        Role.AUDITOR: 1,
    }
    return [
        (role, f"{role.value}.{slug}" if n == 1 else f"{role.value}.{slug}.{n}")
        for role, count in counts.items()
        for n in range(1, count + 1)
    ]


# --------------------------------------------------------------------------------------------------------
# Rows. Tuples in the column order of COLUMNS, written with COPY.
# --------------------------------------------------------------------------------------------------------

COLUMNS: dict[str, tuple[str, ...]] = {
    "tenants": ("id", "slug", "name", "atvk_code"),
    "users": ("id", "username", "full_name", "email", "password_hash"),
    "memberships": ("tenant_id", "id", "user_id", "roles"),
    "persons": (
        "tenant_id", "id", "personal_code", "first_name", "last_name", "name_norm", "birth_date", "sex",
        "citizenship", "legal_status", "preferred_language", "phone", "email",
    ),
    "former_personal_codes": ("tenant_id", "id", "person_id", "code", "replaced_on"),
    "households": ("tenant_id", "id", "label"),
    "household_members": ("tenant_id", "id", "household_id", "person_id", "role", "joined_on"),
    "relationships": ("tenant_id", "id", "person_id", "related_person_id", "kind", "valid_from"),
    "person_addresses": (
        "tenant_id", "id", "person_id", "kind", "line", "locality", "postal_code", "atvk", "address_norm",
        "valid_from", "valid_to",
    ),
    "person_flags": ("tenant_id", "id", "person_id", "kind", "detail", "valid_from", "valid_to"),
    "cases": (
        "tenant_id", "id", "number", "person_id", "household_id", "title", "case_types",
        "responsible_user_id", "sensitive", "opened_on", "closed_on", "close_reason",
    ),
    "case_assignments": ("tenant_id", "id", "case_id", "user_id"),
    "case_entries": (
        "tenant_id", "id", "case_id", "kind", "occurred_on", "duration_minutes", "staff_user_id", "subject",
        "body", "findings", "created_by",
    ),
    "number_sequences": ("tenant_id", "id", "name", "year", "last_value"),
    **national_benefits.COLUMNS,
}  # fmt: skip
# Parents before children (composite foreign keys are checked row by row during COPY).
BATCH_TABLES = (
    "persons",
    "former_personal_codes",
    "households",
    "household_members",
    "relationships",
    "person_addresses",
    "person_flags",
    "cases",
    "case_assignments",
    "case_entries",
    *national_benefits.BATCH_TABLES,
)
Row = tuple[Any, ...]


def address_norm(line: str, locality: str | None) -> str:
    """The stored search key of an address, as the app computes it (people.rules.AddressData)."""
    return normalise_address(line, locality)


@dataclass
class _Person:
    id: uuid.UUID
    sex: str
    birth: dt.date
    first_name: str
    last_name: str
    # (kind, detail, valid_from, valid_to) of its person_flags rows: the declarations read them
    flags: list[tuple[str, str, dt.date, dt.date | None]] = field(default_factory=list)

    def age(self, on: dt.date = REFERENCE_DATE) -> int:
        return on.year - self.birth.year - ((on.month, on.day) < (self.birth.month, self.birth.day))


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _uuid7(ms: int, rand74: int) -> uuid.UUID:
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | ((rand74 >> 62) & 0xFFF) << 64
    value |= 0b10 << 62 | (rand74 & ((1 << 62) - 1))
    return uuid.UUID(int=value)


def tenant_id_for(seed: int, municipality: Municipality) -> uuid.UUID:
    """The municipality's id for a seed: how a later run recognises a municipality it loaded."""
    rng = random.Random(f"{seed}:{municipality.slug}:tenant:{GENERATOR_VERSION}")
    return _uuid7(_BASE_MS - 1_000_000 + MUNICIPALITIES.index(municipality), rng.getrandbits(74))


@dataclass
class Batch:
    rows: dict[str, list[Row]] = field(default_factory=lambda: {t: [] for t in BATCH_TABLES})
    households: int = 0


class MunicipalityGenerator:
    """Everything of one municipality, from its own random generator. Household by household, yielded in
    batches, so memory stays bounded whatever the size."""

    # (household type, weight): shares of households in a client register (not census figures)
    HOUSEHOLD_TYPES = (
        ("single", 18),
        ("single_pensioner", 15),
        ("pensioner_couple", 9),
        ("couple", 12),
        ("family", 24),
        ("single_parent", 12),
        ("three_generations", 10),
    )

    def __init__(
        self, municipality: Municipality, persons: int, seed: int, parameters: ParameterBook | None = None
    ) -> None:
        self.m = municipality
        self.index = MUNICIPALITIES.index(municipality)
        self.target = persons
        self.rng = random.Random(f"{seed}:{municipality.slug}")
        self.tenant_id = tenant_id_for(seed, municipality)
        self._ms = _BASE_MS + self.index * _MS_PER_MUNICIPALITY
        self._per_date: Counter[dt.date] = Counter()  # old-format serials used per birth date
        self._new_codes = 0
        self._case_numbers: Counter[int] = Counter()  # per year
        self.made = 0
        self._surname_weights = {
            False: [1 / (rank + 3) for rank in range(len(LATVIAN_SURNAMES))],
            True: [1 / (rank + 3) for rank in range(len(RUSSIAN_SURNAMES))],
        }
        self._type_names = [t for t, _ in self.HOUSEHOLD_TYPES]
        self._type_weights = [w for _, w in self.HOUSEHOLD_TYPES]
        self._case_weights = [w for _, _, w in CASE_TYPES]
        self.staff: list[tuple[uuid.UUID, Role, str, str]] = []  # id, role, username, full name
        for role, username in staff_plan(municipality.slug, persons):
            sex = self.rng.choice("MF")
            first = self.rng.choice((MALE_NAMES if sex == "M" else FEMALE_NAMES)["middle"])
            last = self._surname(False)[0 if sex == "M" else 1]
            self.staff.append((self.new_id(), role, username, f"{first} {last}"))
        self.caseworkers = [s[0] for s in self.staff if s[1] in (Role.SOCIAL_WORKER, Role.CASE_MANAGER)]
        # Its own random generator and clock: persons, households and cases stay the same rows with it.
        benefit_ids = random.Random(f"{seed}:{municipality.slug}:benefit-ids")
        benefit_ms = [_BASE_MS + self.index * _MS_PER_MUNICIPALITY + _BENEFITS_MS]

        def new_benefit_id() -> uuid.UUID:
            benefit_ms[0] += 1
            return _uuid7(benefit_ms[0], benefit_ids.getrandbits(74))

        self.benefits = BenefitsGenerator(
            tenant_id=self.tenant_id,
            slug=municipality.slug,
            seed=seed,
            new_id=new_benefit_id,
            social_workers=[s[0] for s in self.staff if s[1] == Role.SOCIAL_WORKER],
            officers=[s[0] for s in self.staff if s[1] == Role.BENEFIT_OFFICER],
            parameters=parameters,
            today=REFERENCE_DATE,
        )

    # ---- identifiers and codes

    def new_id(self) -> uuid.UUID:
        self._ms += 1
        return _uuid7(self._ms, self.rng.getrandbits(74))

    def _old_code(self, birth: dt.date) -> tuple[str, dt.date]:
        """A valid old-format code, unique in the country: each municipality owns a block of the 1000
        serials of a birth date, sized by its population (`SERIAL_BLOCKS`), used in order and scrambled;
        a date whose block is used up moves the birth a day on (rare even at ten times the scale)."""
        first, size = SERIAL_BLOCKS[self.index]
        while True:
            n = self._per_date[birth]
            if n < size:
                self._per_date[birth] += 1
                serial = ((first + n) * 347 + 211) % 1000  # 347 is coprime to 1000: a permutation
                return old_format_code(birth, serial), birth
            birth += dt.timedelta(days=1)

    def _new_code(self) -> str:
        """A new-format code (3[2-9] + 9 digits), unique in the country: an affine bijection on the 8·10⁹
        codes applied to a counter interleaved across municipalities."""
        k = self.index + len(MUNICIPALITIES) * self._new_codes
        self._new_codes += 1
        return str(32_000_000_000 + (k * 2_654_435_761 + 1_234_567) % 8_000_000_000)

    # ---- people

    def _surname(self, russian: bool) -> tuple[str, str]:
        pool = RUSSIAN_SURNAMES if russian else LATVIAN_SURNAMES
        return self.rng.choices(pool, weights=self._surname_weights[russian])[0]

    def _birth(self, min_age: int, max_age: int) -> dt.date:
        latest = _add_years(REFERENCE_DATE, -min_age) - dt.timedelta(days=1)
        earliest = _add_years(REFERENCE_DATE, -max_age - 1) + dt.timedelta(days=1)
        return dt.date.fromordinal(self.rng.randint(earliest.toordinal(), latest.toordinal()))

    def _person(
        self, batch: Batch, sex: str, birth: dt.date, surname: tuple[str, str], russian: bool
    ) -> _Person:
        generation = "older" if birth.year < 1965 else "younger" if birth.year >= 1995 else "middle"
        if russian:
            names = (RUSSIAN_MALE_NAMES if sex == "M" else RUSSIAN_FEMALE_NAMES)[generation]
        else:
            names = (MALE_NAMES if sex == "M" else FEMALE_NAMES)[generation]
        first = self.rng.choice(names)
        last = surname[0 if sex == "M" else 1]
        rng = self.rng
        pid = self.new_id()
        former: str | None = None
        if birth >= NEW_FORMAT_SINCE:
            code = self._new_code()
        else:
            code, birth = self._old_code(birth)
            if rng.random() < SWITCHED_TO_NEW_FORMAT:
                former, code = code, self._new_code()
        person = _Person(pid, sex, birth, first, last)
        age = person.age()
        citizenship: str | None = "LVA"
        status = "citizen"
        if russian and age >= 30:
            roll = rng.random()
            if roll < 0.18:
                citizenship, status = None, "non_citizen"
            elif roll < 0.25:
                citizenship, status = "RUS", "permanent_resident"
        language = "ru" if russian and age >= 40 and rng.random() < 0.5 else "lv"
        phone = f"+3712{rng.randrange(10**7):07d}" if age >= 16 and rng.random() < 0.75 else None
        email = None
        if 18 <= age <= 75 and rng.random() < 0.3:
            local = normalise_name(first, last).replace(" ", ".")
            email = f"{local}{rng.randrange(100)}@example.com"
        t = self.tenant_id
        batch.rows["persons"].append(
            (
                t,
                pid,
                code,
                first,
                last,
                normalise_name(last, first),
                birth,
                sex,
                citizenship,
                status,
                language,
                phone,
                email,
            )
        )
        if former is not None:
            replaced = dt.date.fromordinal(
                rng.randint(NEW_FORMAT_SINCE.toordinal(), REFERENCE_DATE.toordinal() - 1)
            )
            batch.rows["former_personal_codes"].append((t, self.new_id(), pid, former, replaced))
        self._flags(batch, person)
        self.made += 1
        return person

    def _flags(self, batch: Batch, p: _Person) -> None:
        rng, t, age = self.rng, self.tenant_id, p.age()
        if age >= 65:
            p.flags.append(("pensioner", "old_age", _add_years(p.birth, 65), None))
            batch.rows["person_flags"].append(
                (t, self.new_id(), p.id, "pensioner", "old_age", _add_years(p.birth, 65), None)
            )
        chance = 0.02 if age < 18 else 0.08 if age < 65 else 0.18
        if rng.random() < chance:
            group = "child" if age < 18 else rng.choices(("I", "II", "III"), weights=(15, 45, 40))[0]
            earliest = _add_years(p.birth, 1 if age < 18 else 18)
            if earliest >= REFERENCE_DATE:
                return
            start = dt.date.fromordinal(rng.randint(earliest.toordinal(), REFERENCE_DATE.toordinal() - 1))
            end: dt.date | None = None
            if rng.random() < 0.4:  # a reassessment date, past (ended) or coming
                end = start + dt.timedelta(days=rng.randint(365, 5 * 365))
            p.flags.append(("disability", group, start, end))
            batch.rows["person_flags"].append((t, self.new_id(), p.id, "disability", group, start, end))
            if group in ("I", "II") and age < 65 and rng.random() < 0.6:
                p.flags.append(("pensioner", "disability", start, end))
                batch.rows["person_flags"].append(
                    (t, self.new_id(), p.id, "pensioner", "disability", start, end)
                )

    # ---- addresses

    def _address(self) -> tuple[str, str, str]:
        """(line, locality, postal code): mostly the centre; flats in cities, farmsteads in parishes."""
        rng = self.rng
        places = self.m.places
        place = places[0] if len(places) == 1 or rng.random() < 0.55 else rng.choice(places[1:])
        postal = f"LV-{place.postal_first + rng.randrange(place.postal_count):04d}"
        if place.kind == "parish" and rng.random() < 0.6:
            return f'"{rng.choice(FARMSTEADS)}"', place.name, postal
        if place.kind == "city":
            street, house, flats = rng.choice(CITY_STREETS), rng.randint(1, 150), 0.75
        else:
            street, house, flats = (
                rng.choice(TOWN_STREETS),
                rng.randint(1, 60),
                0.4 if place.kind == "town" else 0.1,
            )
        number = f"{house}{rng.choice('ABK')}" if rng.random() < 0.05 else str(house)
        if rng.random() < flats:
            number += f"-{rng.randint(1, 120 if place.kind == 'city' else 40)}"
        return f"{street} {number}", place.name, postal

    def _addresses(self, batch: Batch, members: Sequence[_Person], moved_in: dt.date) -> str:
        rng, t, atvk = self.rng, self.tenant_id, self.m.atvk_code
        line, locality, postal = self._address()
        norm = address_norm(line, locality)
        earlier = self._address() if rng.random() < 0.1 else None
        rows = batch.rows["person_addresses"]
        for p in members:
            since = max(moved_in, p.birth)
            rows.append((t, self.new_id(), p.id, "declared", line, locality, postal, atvk, norm, since, None))
            if earlier is not None and p.birth < moved_in - dt.timedelta(days=365) and p.age() >= 18:
                e_line, e_locality, e_postal = earlier
                start = max(p.birth, moved_in - dt.timedelta(days=rng.randint(365, 15 * 365)))
                rows.append((
                    t, self.new_id(), p.id, "declared", e_line, e_locality, e_postal, atvk,
                    address_norm(e_line, e_locality), start, moved_in - dt.timedelta(days=1),
                ))  # fmt: skip
            if rng.random() < 0.06 and p.age() >= 18:  # lives elsewhere than declared
                a_line, a_locality, a_postal = self._address()
                start = dt.date.fromordinal(rng.randint(since.toordinal(), REFERENCE_DATE.toordinal() - 1))
                rows.append((
                    t, self.new_id(), p.id, "actual", a_line, a_locality, a_postal, atvk,
                    address_norm(a_line, a_locality), start, None,
                ))  # fmt: skip
        return line

    # ---- households

    def _relate(
        self, batch: Batch, a: _Person, b: _Person, a_is_to_b: str, b_is_to_a: str, since: dt.date
    ) -> None:
        """Both directions: `kind` is what the related person is to the person."""
        t = self.tenant_id
        batch.rows["relationships"].append((t, self.new_id(), b.id, a.id, a_is_to_b, since))
        batch.rows["relationships"].append((t, self.new_id(), a.id, b.id, b_is_to_a, since))

    def _children(
        self, batch: Batch, parents: Sequence[dt.date], count: int, surname: tuple[str, str], russian: bool
    ) -> list[_Person]:
        """Up to `count` children under 18, born when the younger parent was 19 to 43."""
        youngest = max(parents)
        first = max(_add_years(youngest, 19), _add_years(REFERENCE_DATE, -18) + dt.timedelta(days=1))
        last = min(_add_years(youngest, 43), REFERENCE_DATE - dt.timedelta(days=1))
        if first > last:
            return []
        births = sorted(
            dt.date.fromordinal(self.rng.randint(first.toordinal(), last.toordinal())) for _ in range(count)
        )
        return [self._person(batch, self.rng.choice("MF"), b, surname, russian) for b in births]

    def _size(self, kind: str) -> tuple[int, int]:
        """(adults, children) of a household of this kind."""
        rng = self.rng
        children = rng.choices((1, 2, 3, 4), weights=(45, 38, 13, 4))[0]
        return {
            "single": (1, 0),
            "single_pensioner": (1, 0),
            "pensioner_couple": (2, 0),
            "couple": (2, 0),
            "family": (2, children),
            "single_parent": (1, min(children, 3)),
            "three_generations": (rng.choice((3, 4)), rng.choice((0, 1, 1, 2, 2, 3))),
        }[kind]

    def household(self, batch: Batch) -> None:
        rng = self.rng
        remaining = self.target - self.made
        kind = rng.choices(self._type_names, weights=self._type_weights)[0]
        adults, children = self._size(kind)
        if adults + children > remaining:
            kind, adults, children = rng.choice(("single", "single_pensioner")), 1, 0
        russian = rng.random() < self.m.russian_share
        surname = self._surname(russian)
        members: list[tuple[_Person, str]] = []  # (person, household role)
        if kind in ("single", "single_pensioner"):
            sex = rng.choice("MF") if kind == "single" else rng.choices("MF", weights=(35, 65))[0]
            birth = self._birth(18, 64) if kind == "single" else self._birth(65, 97)
            members.append((self._person(batch, sex, birth, surname, russian), "head"))
        elif kind in ("couple", "pensioner_couple", "family"):
            low, high = {"couple": (20, 64), "pensioner_couple": (65, 92), "family": (24, 52)}[kind]
            man = self._person(batch, "M", self._birth(low, high), surname, russian)
            married = rng.random() < 0.7
            her_surname = surname if married and rng.random() < 0.85 else self._surname(russian)
            adult_by = _add_years(REFERENCE_DATE, -18) - dt.timedelta(days=1)
            her_birth = min(man.birth + dt.timedelta(days=rng.randint(-4 * 365, 6 * 365)), adult_by)
            woman = self._person(batch, "F", her_birth, her_surname, russian)
            members += [(man, "head"), (woman, "spouse" if married else "partner")]
            since = min(
                max(
                    _add_years(max(man.birth, woman.birth), 19),
                    REFERENCE_DATE - dt.timedelta(days=rng.randint(365, 40 * 365)),
                ),
                REFERENCE_DATE - dt.timedelta(days=1),
            )
            if married:
                self._relate(batch, man, woman, "spouse", "spouse", since)
            else:
                self._relate(batch, man, woman, "partner", "partner", since)
            for child in self._children(batch, (man.birth, woman.birth), children, surname, russian):
                members.append((child, "child"))
                self._relate(batch, man, child, "parent", "child", child.birth)
                self._relate(batch, woman, child, "parent", "child", child.birth)
        elif kind == "single_parent":
            sex = rng.choices("FM", weights=(85, 15))[0]
            parent = self._person(batch, sex, self._birth(22, 50), surname, russian)
            members.append((parent, "head"))
            for child in self._children(batch, (parent.birth,), children, surname, russian):
                members.append((child, "child"))
                self._relate(batch, parent, child, "parent", "child", child.birth)
        else:  # three generations: a pensioner or two, their adult child (and partner), grandchildren
            middle_sex = rng.choice("MF")
            middle = self._person(batch, middle_sex, self._birth(25, 50), surname, russian)
            members.append((middle, "head"))
            grandparents = [
                self._person(batch, "F", _add_years(middle.birth, -rng.randint(20, 38)), surname, russian)
            ]
            if adults >= 3 and rng.random() < 0.45:
                grandparents.append(
                    self._person(
                        batch,
                        "M",
                        grandparents[0].birth - dt.timedelta(days=rng.randint(0, 5 * 365)),
                        surname,
                        russian,
                    )
                )
            for g in grandparents:
                members.append((g, "parent"))
                self._relate(batch, g, middle, "parent", "child", middle.birth)
            if len(grandparents) == 2:
                self._relate(
                    batch, grandparents[0], grandparents[1], "spouse", "spouse", _add_years(middle.birth, -2)
                )
            parents = [middle]
            if adults >= 4 and self.made + 1 < self.target:
                partner_sex = "F" if middle_sex == "M" else "M"
                partner = self._person(
                    batch,
                    partner_sex,
                    middle.birth + dt.timedelta(days=rng.randint(-4 * 365, 4 * 365)),
                    self._surname(russian),
                    russian,
                )
                members.append((partner, "spouse"))
                self._relate(
                    batch,
                    middle,
                    partner,
                    "spouse",
                    "spouse",
                    min(_add_years(max(middle.birth, partner.birth), 22), REFERENCE_DATE),
                )
                parents.append(partner)
            room = max(0, self.target - self.made)
            for child in self._children(
                batch, [p.birth for p in parents], min(children, room), surname, russian
            ):
                members.append((child, "child"))
                for p in parents:
                    self._relate(batch, p, child, "parent", "child", child.birth)
        self._finish_household(batch, members, kind)

    def _finish_household(self, batch: Batch, members: list[tuple[_Person, str]], kind: str) -> None:
        rng, t = self.rng, self.tenant_id
        persons = [p for p, _ in members]
        adults_birth = max(p.birth for p, role in members if role in ("head", "spouse", "partner"))
        latest = REFERENCE_DATE - dt.timedelta(days=30)
        earliest = min(max(_add_years(adults_birth, 18), dt.date(1995, 1, 1)), latest)
        moved_in = dt.date.fromordinal(rng.randint(earliest.toordinal(), latest.toordinal()))
        line = self._addresses(batch, persons, moved_in)
        head = members[0][0]
        household_id = self.new_id()
        batch.rows["households"].append((t, household_id, f"{head.first_name} {head.last_name}, {line}"))
        for p, role in members:
            batch.rows["household_members"].append(
                (t, self.new_id(), household_id, p.id, role, max(moved_in, p.birth))
            )
        batch.households += 1
        chance = {"single_pensioner": 0.06, "single_parent": 0.10, "three_generations": 0.06, "family": 0.03}
        if rng.random() < chance.get(kind, 0.02):
            self._case(batch, members, household_id)
        joined = [(p, role, max(moved_in, p.birth)) for p, role in members]
        self.benefits.household(batch.rows, kind, household_id, joined, line)

    # ---- cases

    def _case(self, batch: Batch, members: list[tuple[_Person, str]], household_id: uuid.UUID) -> None:
        rng, t = self.rng, self.tenant_id
        case_type, title, _ = rng.choices(CASE_TYPES, weights=self._case_weights)[0]
        roll = rng.random()
        children = [p for p, role in members if role == "child"]
        if roll < 0.3 and len(members) > 1:
            head = members[0][0]
            person_id, client_household = None, household_id
            client = f"mājsaimniecība, {head.first_name} {head.last_name}"
        else:
            person = rng.choice(children) if children and roll > 0.85 else members[0][0]
            person_id, client_household, client = person.id, None, f"{person.first_name} {person.last_name}"
        opened = dt.date.fromordinal(
            rng.randint(dt.date(2019, 1, 1).toordinal(), REFERENCE_DATE.toordinal() - 60)
        )
        self._case_numbers[opened.year] += 1
        number = f"L-{opened.year}/{self._case_numbers[opened.year]:05d}"
        closed = reason = None
        if rng.random() < 0.4:
            closed = opened + dt.timedelta(days=rng.randint(30, max(31, (REFERENCE_DATE - opened).days - 1)))
            reason = rng.choice(CLOSE_REASONS)
        responsible = rng.choice(self.caseworkers)
        case_id = self.new_id()
        batch.rows["cases"].append((
            t, case_id, number, person_id, client_household, f"{title}: {client}"[:200], [case_type],
            responsible, case_type == "violence" or rng.random() < 0.01, opened, closed, reason,
        ))  # fmt: skip
        staff = [responsible]
        if len(self.caseworkers) > 1 and rng.random() < 0.3:
            other = rng.choice([u for u in self.caseworkers if u != responsible])
            batch.rows["case_assignments"].append((t, self.new_id(), case_id, other))
            staff.append(other)
        end = (closed or REFERENCE_DATE - dt.timedelta(days=1)).toordinal()
        days = sorted(rng.randint(opened.toordinal(), end) for _ in range(rng.randint(1, 12)))
        for day in days:
            kind = rng.choice(ENTRY_KINDS)
            texts, (low, high) = ENTRIES[kind]
            subject, body = rng.choice(texts)
            findings = rng.choice(HOME_VISIT_FINDINGS) if kind == "home_visit" else None
            by = staff[0] if rng.random() < 0.7 else rng.choice(staff)
            batch.rows["case_entries"].append((
                t, self.new_id(), case_id, kind, dt.date.fromordinal(day), rng.randint(low, high), by,
                subject, body, findings, by,
            ))  # fmt: skip

    # ---- the municipality

    def batches(self, households_per_batch: int = BATCH_HOUSEHOLDS) -> Iterator[Batch]:
        batch = Batch()
        while self.made < self.target:
            self.household(batch)
            if batch.households >= households_per_batch:
                yield batch
                batch = Batch()
        if batch.households:
            yield batch

    def sequences(self) -> list[Row]:
        """The counters of the numbers used: case numbers, then declarations, applications, decisions."""
        rows = [
            (self.tenant_id, self.new_id(), CASE_SEQUENCE, year, last)
            for year, last in sorted(self._case_numbers.items())
        ]
        return rows + [
            (self.tenant_id, self.new_id(), name, year, last)
            for name, year, last in self.benefits.sequences()
        ]


# --------------------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------------------


class DatasetError(RuntimeError):
    """The target database cannot take the dataset (it holds other data), or set-up failed."""


@dataclass
class MunicipalityReport:
    slug: str
    persons: int
    status: str  # loaded | already loaded
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)
    submitted: int = 0  # submitted declarations (the current ones; the earlier ones are superseded)


@dataclass
class LoadReport:
    seed: int
    persons: int
    municipalities: list[MunicipalityReport]
    seconds: float

    @property
    def rows(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for m in self.municipalities:
            total.update(m.rows)
        return dict(total)

    def render(self) -> str:
        loaded = [m for m in self.municipalities if m.status == "loaded"]
        rows = self.rows
        lines = [
            f"National dataset (seed {self.seed}): {len(self.municipalities)} municipalities, "
            f"{self.persons:,} persons; {len(loaded)} loaded now, "
            f"{len(self.municipalities) - len(loaded)} were already there",
        ]
        if rows:
            lines.append("Rows written: " + ", ".join(f"{t} {n:,}" for t, n in rows.items() if n))
            rate = sum(rows.values()) / max(self.seconds, 1e-9)
            lines.append(f"Load time: {self.seconds:,.1f} s ({rate:,.0f} rows/s)")
        return "\n".join(lines)


def _conninfo(url: Any) -> str:
    return str(url.set(drivername="postgresql").render_as_string(hide_password=False))


def _check_target(conn: Any, seed: int, wanted: list[tuple[Municipality, int]]) -> list[bool]:
    """For each planned municipality: True if it is already loaded (same seed and size), False if it is
    free to load. Raises DatasetError, before anything is written, when the database holds other data
    under the same slugs, ATVK codes or user names."""
    problems: list[str] = []
    done: list[bool] = []
    for m, persons in wanted:
        rows = conn.execute(
            "SELECT id, slug FROM app.tenants WHERE slug = %s OR atvk_code = %s", (m.slug, m.atvk_code)
        ).fetchall()
        if not rows:
            usernames = [u for _, u in staff_plan(m.slug, persons)]
            taken = conn.execute(
                "SELECT username FROM app.users WHERE username = ANY(%s) ORDER BY username", (usernames,)
            ).fetchall()
            if taken:
                problems.append(
                    f"{m.slug}: user names already taken ({', '.join(r[0] for r in taken[:3])} …)"
                )
            done.append(False)
            continue
        if len(rows) > 1 or rows[0][0] != tenant_id_for(seed, m):
            problems.append(
                f"{m.slug} ({m.atvk_code}): the municipality exists but was not made by this generator "
                f"(version {GENERATOR_VERSION}) with seed {seed}"
            )
            done.append(False)
            continue
        have = conn.execute("SELECT count(*) FROM app.persons WHERE tenant_id = %s", (rows[0][0],)).fetchone()
        if have is None or have[0] != persons:
            problems.append(
                f"{m.slug}: holds {have[0] if have else 0:,} persons, this run would make {persons:,} "
                "(different --persons or --municipalities)"
            )
        done.append(True)
    if problems:
        raise DatasetError(
            "the database already holds other data; use a fresh database (--recreate drops and rebuilds "
            "it) or the same --persons/--municipalities/--seed as before:\n  "
            + "\n  ".join(problems[:5])
            + (f"\n  … and {len(problems) - 5} more" if len(problems) > 5 else "")
        )
    return done


def _copy(cur: Any, table: str, rows: Sequence[Row]) -> None:
    if not rows:
        return
    columns = ", ".join(COLUMNS[table])
    with cur.copy(f"COPY app.{table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _load_municipality(
    conn: Any, m: Municipality, persons: int, seed: int, password_hash: str, parameters: ParameterBook
) -> MunicipalityReport:
    started = time.perf_counter()
    gen = MunicipalityGenerator(m, persons, seed, parameters)
    counts: Counter[str] = Counter()
    with conn.transaction(), conn.cursor() as cur:
        _copy(cur, "tenants", [(gen.tenant_id, m.slug, m.name, m.atvk_code)])
        users = [
            (uid, username, full_name, f"{username}@{m.slug}.{EMAIL_DOMAIN}", password_hash)
            for uid, _, username, full_name in gen.staff
        ]
        _copy(cur, "users", users)
        memberships = [(gen.tenant_id, gen.new_id(), uid, [role.value]) for uid, role, _, _ in gen.staff]
        _copy(cur, "memberships", memberships)
        _copy(cur, "benefit_types", gen.benefits.catalogue)
        counts.update(
            tenants=1,
            users=len(users),
            memberships=len(memberships),
            benefit_types=len(gen.benefits.catalogue),
        )
        for batch in gen.batches():
            for table in BATCH_TABLES:
                _copy(cur, table, batch.rows[table])
                counts[table] += len(batch.rows[table])
        cur.execute(national_benefits.LINK_GRANTS, {"t": gen.tenant_id})
        sequences = gen.sequences()
        _copy(cur, "number_sequences", sequences)
        counts["number_sequences"] += len(sequences)
    return MunicipalityReport(
        m.slug,
        persons,
        "loaded",
        time.perf_counter() - started,
        dict(counts),
        gen.benefits.declarations["submitted"],
    )


def load_national_dataset(
    settings: Any,
    *,
    persons: int = 300_000,
    municipalities: int = len(MUNICIPALITIES),
    seed: int = 1,
    progress: Callable[[str], None] | None = None,
) -> LoadReport:
    """Loads the dataset into a migrated database (Settings of its administrative URL); see the module
    documentation. Returns what was loaded and how long it took."""
    import psycopg

    from app.auth.passwords import hash_password

    wanted = plan(persons, municipalities)
    say = progress or (lambda _: None)
    started = time.perf_counter()
    reports: list[MunicipalityReport] = []
    with psycopg.connect(_conninfo(settings.maint_url()), autocommit=True) as conn:
        done = _check_target(conn, seed, wanted)
        password_hash = hash_password(BENCH_PASSWORD) if not all(done) else ""
        parameters = ParameterBook.read(conn)
        for (m, count), already in zip(wanted, done, strict=True):
            if already:
                reports.append(MunicipalityReport(m.slug, count, "already loaded"))
                say(f"  {m.name}: {count:,} persons already loaded")
                continue
            report = _load_municipality(conn, m, count, seed, password_hash, parameters)
            reports.append(report)
            say(
                f"  {m.name}: {count:,} persons, {report.rows.get('households', 0):,} households, "
                f"{report.rows.get('cases', 0):,} cases, {report.submitted:,} submitted declarations "
                f"in {report.seconds:.1f} s"
            )
    if not all(done):
        say("  ANALYZE …")
        _analyze(settings)
    return LoadReport(seed, persons, reports, time.perf_counter() - started)


def _analyze(settings: Any) -> None:
    """Fresh statistics, so the first queries get the plans the measurements are about (as the owner:
    PostgreSQL 15 lets only the owner analyse a table)."""
    import psycopg

    with psycopg.connect(_conninfo(settings.migrator_url()), autocommit=True) as conn:
        conn.execute("SET ROLE app_owner")
        for table in ("tenants", "users", "memberships", "benefit_types", *BATCH_TABLES, "number_sequences"):
            conn.execute(f"ANALYZE app.{table}")


# --------------------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------------------


def settings_for(database_url: str) -> Any:
    from app.config import load_settings

    env = dict(os.environ)
    env["DATABASE_URL"] = database_url
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")  # unused here; Settings wants one
    for key in ("RUNTIME_DATABASE_URL", "MIGRATOR_DATABASE_URL", "MAINT_DATABASE_URL"):
        env.pop(key, None)
    return load_settings(env)


def database_exists(settings: Any) -> bool:
    import psycopg

    name = settings.admin_url().database
    with psycopg.connect(_conninfo(settings.admin_url().set(database="postgres")), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.national_dataset", description=__doc__.split("\n")[0]
    )
    p.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="administrative (superuser) URL of the target database (default $DATABASE_URL)",
    )
    p.add_argument("--persons", type=int, default=300_000, help="persons in all (default 300 000)")
    p.add_argument(
        "--municipalities", type=int, default=len(MUNICIPALITIES), help="the first N municipalities (43)"
    )
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--create", action="store_true", help="create roles and database if missing, and migrate")
    p.add_argument(
        "--recreate",
        action="store_true",
        help="drop the database first (only names containing 'national' or 'bench'), then as --create",
    )
    args = p.parse_args(argv)
    if not args.database_url:
        p.error("--database-url (or $DATABASE_URL) is required")
    if not 1 <= args.municipalities <= len(MUNICIPALITIES):
        p.error(f"--municipalities must be between 1 and {len(MUNICIPALITIES)}")
    if not args.municipalities <= args.persons <= 50_000_000:
        p.error("--persons must be at least one per municipality (and at most 50 000 000)")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    from app import dbsetup

    args = parse_args(argv)
    settings = settings_for(args.database_url)
    name = settings.admin_url().database
    if not name:
        print("national_dataset: the database URL has no database name", file=sys.stderr)
        return 2
    try:
        if args.recreate:
            if "national" not in name and "bench" not in name:
                raise DatasetError(f"refusing to drop {name!r}: --recreate only drops *national* or *bench*")
            print(f"Dropping {name!r} …", flush=True)
            dbsetup.drop_database(settings, name)
        if args.create or args.recreate:
            print(f"Bootstrap and migrate {name!r} …", flush=True)
            dbsetup.bootstrap(settings)
            dbsetup.migrate(settings)
        elif not database_exists(settings):
            raise DatasetError(f"database {name!r} does not exist; add --create")
        print(
            f"Loading {args.persons:,} persons into {args.municipalities} municipalities of {name!r} "
            f"(seed {args.seed}) …",
            flush=True,
        )
        report = load_national_dataset(
            settings,
            persons=args.persons,
            municipalities=args.municipalities,
            seed=args.seed,
            progress=lambda line: print(line, flush=True),
        )
    except DatasetError as exc:
        print(f"national_dataset: {exc}", file=sys.stderr)
        return 2
    print(report.render())
    print(f"Sign in as {BENCH_USERNAME} (or <role>.<slug>), password {BENCH_PASSWORD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
