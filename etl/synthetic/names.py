"""Fixed name lists of the demo county (powiat łaski, TERYT 1003).

Gmina and unit names and codes are real (TERC). Obręb names are names of villages of the
area or plausible local names; persons, institutions other than public bodies, and
street assignments are fictional. Lists are fixed so that the output is reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass

COUNTY_TERYT = "1003"
COUNTY_NAME = "powiat łaski"
NAMESPACE = "PL.PZGiK.1003.EGiB"
COURT = "SR1L"  # Sąd Rejonowy w Łasku, land-register department


@dataclass(frozen=True)
class UnitSpec:
    """One jednostka ewidencyjna: code, names, share of the county area, position."""

    unit_id: str
    name: str
    gmina_id: str  # TERYT of the gmina (for Łask: 100302_3)
    gmina_name: str
    area_km2: float
    postcode: str
    villages: tuple[str, ...]


UNITS: tuple[UnitSpec, ...] = (
    UnitSpec("100301_2", "Buczek", "100301_2", "Buczek", 62.0, "98-113", (
        "Buczek", "Bachorzyn", "Czestków A", "Czestków B", "Czestków F", "Dąbrowa",
        "Grabia", "Gucin", "Luciejów", "Malenin", "Petronelów", "Sycanów", "Wola Buczkowska",
        "Wymysłów", "Brzeski")),
    UnitSpec("100302_4", "Łask", "100302_3", "Łask", 15.3, "98-100", (
        "Łask 1 Śródmieście", "Łask 2 Kolumna", "Łask 3 Ostrów", "Łask 4 Przecznia",
        "Łask 5 Anielin", "Łask 6 Kopyść")),
    UnitSpec("100302_5", "Łask - obszar wiejski", "100302_3", "Łask", 132.7, "98-100", (
        "Wola Łaska", "Teodory", "Wiewiórczyn", "Bałucz", "Aleksandrówek", "Bor Łobudzki",
        "Budy Stryjewskie", "Ferdynandów", "Gorczyn", "Jadwichna", "Karszew", "Krzucz",
        "Łopatki", "Mauryców", "Okup Mały", "Okup Wielki", "Orchów", "Podule", "Remiszew",
        "Sięganów", "Stryje Księże", "Stryje Paskowe", "Wronowice", "Zieleń", "Dobronóżka")),
    UnitSpec("100303_2", "Sędziejowice", "100303_2", "Sędziejowice", 118.0, "98-160", (
        "Sędziejowice", "Sędziejowice-Kolonia", "Bilew", "Borszewice", "Dobrzelów",
        "Grzeszyn", "Kozuby", "Kustrzyce", "Lichawa", "Marzenin", "Niecenia", "Osiny",
        "Podule Sędziejowickie", "Pruszków", "Przymiłów", "Reduchów", "Rososza",
        "Wola Wężykowa", "Zamość", "Żagliny", "Bocianice", "Zagórze")),
    UnitSpec("100304_2", "Widawa", "100304_2", "Widawa", 186.0, "98-170", (
        "Widawa", "Brzyków", "Chociw", "Chrusty", "Dąbrowa Widawska", "Dzbanki", "Goryń",
        "Józefów Widawski", "Kąty", "Kocina", "Ligota", "Łazów", "Ochle", "Patoki",
        "Podgórze", "Restarzew Cmentarny", "Restarzew Środkowy", "Rogóźno", "Ruda",
        "Sarnów", "Świerczów", "Wielka Wieś", "Wola Kleszczowa", "Zabłocie", "Zawady",
        "Nowa Wieś", "Wincentów")),
    UnitSpec("100305_2", "Wodzierady", "100305_2", "Wodzierady", 105.0, "98-105", (
        "Wodzierady", "Alfonsów", "Apolinów", "Dobków", "Hipolitów", "Jesionna",
        "Kwiatkowice", "Kwiatkowice-Kolonia", "Magdalenów", "Piorunów", "Przyrownica",
        "Stanisławów", "Wandzin", "Wrząsawa", "Wola Czarnyska", "Zalesie", "Zielęcice",
        "Ludowinka", "Leśnica", "Kiki")),
)  # fmt: skip

TOWN_UNIT = "100302_4"
TOWN_LOCALITY = "Łask"

TOWN_STREETS = (
    "Warszawska", "9 Maja", "Kościuszki", "Narutowicza", "Południowa", "Sienkiewicza",
    "Objazdowa", "Łódzka", "Kilińskiego", "Spółdzielcza", "Batorego", "Żeromskiego",
    "Mickiewicza", "Polna", "Leśna", "Słowackiego", "Kopernika", "Armii Krajowej",
    "Szkolna", "Ogrodowa", "Kolejowa", "Przechodnia", "Lipowa", "Kwiatowa", "Słoneczna",
    "Zielona", "Akacjowa", "Brzozowa", "Klonowa", "Jaśminowa", "Różana", "Wiejska",
    "Traugutta", "Reymonta", "Konopnickiej", "Orzeszkowej", "Prusa", "Chopina",
    "Kasprowicza", "Moniuszki", "Piłsudskiego", "Sobieskiego", "Jagiellońska",
    "Piastowska", "Grunwaldzka", "Wileńska", "Lwowska", "Krótka", "Długa", "Nowa",
)  # fmt: skip

MALE_NAMES = (
    "Jan", "Andrzej", "Piotr", "Krzysztof", "Stanisław", "Tomasz", "Paweł", "Józef",
    "Marcin", "Marek", "Michał", "Grzegorz", "Jerzy", "Tadeusz", "Adam", "Łukasz",
    "Zbigniew", "Ryszard", "Dariusz", "Henryk", "Mariusz", "Kazimierz", "Wojciech",
    "Robert", "Mateusz", "Marian", "Rafał", "Jacek", "Janusz", "Mirosław", "Maciej",
    "Sławomir", "Jarosław", "Kamil", "Wiesław", "Roman", "Władysław", "Jakub", "Artur",
    "Zdzisław", "Edward", "Mieczysław", "Damian", "Dawid", "Przemysław", "Sebastian",
)  # fmt: skip
FEMALE_NAMES = (
    "Anna", "Maria", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa",
    "Krystyna", "Elżbieta", "Zofia", "Teresa", "Magdalena", "Joanna", "Janina",
    "Monika", "Danuta", "Jadwiga", "Aleksandra", "Halina", "Irena", "Beata", "Marta",
    "Dorota", "Helena", "Karolina", "Jolanta", "Iwona", "Marianna", "Natalia", "Grażyna",
    "Stanisława", "Bożena", "Urszula", "Justyna", "Renata", "Alicja", "Paulina",
    "Sylwia", "Agata", "Wanda", "Genowefa", "Czesława", "Regina", "Kazimiera",
)  # fmt: skip
# (male form, female form)
SURNAMES = (
    ("Nowak", "Nowak"), ("Kowalski", "Kowalska"), ("Wiśniewski", "Wiśniewska"),
    ("Wójcik", "Wójcik"), ("Kowalczyk", "Kowalczyk"), ("Kamiński", "Kamińska"),
    ("Lewandowski", "Lewandowska"), ("Zieliński", "Zielińska"), ("Szymański", "Szymańska"),
    ("Woźniak", "Woźniak"), ("Dąbrowski", "Dąbrowska"), ("Kozłowski", "Kozłowska"),
    ("Jankowski", "Jankowska"), ("Mazur", "Mazur"), ("Kwiatkowski", "Kwiatkowska"),
    ("Krawczyk", "Krawczyk"), ("Piotrowski", "Piotrowska"), ("Grabowski", "Grabowska"),
    ("Nowakowski", "Nowakowska"), ("Pawłowski", "Pawłowska"), ("Michalski", "Michalska"),
    ("Adamczyk", "Adamczyk"), ("Dudek", "Dudek"), ("Zając", "Zając"), ("Wieczorek", "Wieczorek"),
    ("Jabłoński", "Jabłońska"), ("Król", "Król"), ("Majewski", "Majewska"),
    ("Olszewski", "Olszewska"), ("Jaworski", "Jaworska"), ("Wróbel", "Wróbel"),
    ("Malinowski", "Malinowska"), ("Pawlak", "Pawlak"), ("Witkowski", "Witkowska"),
    ("Walczak", "Walczak"), ("Stępień", "Stępień"), ("Górski", "Górska"),
    ("Rutkowski", "Rutkowska"),
    ("Michalak", "Michalak"), ("Sikora", "Sikora"), ("Ostrowski", "Ostrowska"),
    ("Baran", "Baran"), ("Duda", "Duda"), ("Szewczyk", "Szewczyk"), ("Tomaszewski", "Tomaszewska"),
    ("Pietrzak", "Pietrzak"), ("Marciniak", "Marciniak"), ("Wróblewski", "Wróblewska"),
    ("Zalewski", "Zalewska"), ("Jakubowski", "Jakubowska"), ("Jasiński", "Jasińska"),
    ("Zawadzki", "Zawadzka"), ("Sadowski", "Sadowska"), ("Bąk", "Bąk"),
    ("Chmielewski", "Chmielewska"),
    ("Włodarczyk", "Włodarczyk"), ("Borkowski", "Borkowska"), ("Czarnecki", "Czarnecka"),
    ("Sawicki", "Sawicka"), ("Sokołowski", "Sokołowska"), ("Urbański", "Urbańska"),
    ("Kubiak", "Kubiak"), ("Maciejewski", "Maciejewska"), ("Szczepański", "Szczepańska"),
    ("Kucharski", "Kucharska"), ("Wilk", "Wilk"), ("Kalinowski", "Kalinowska"),
    ("Lis", "Lis"), ("Mazurek", "Mazurek"), ("Wysocki", "Wysocka"), ("Adamski", "Adamska"),
    ("Kaźmierczak", "Kaźmierczak"), ("Wasilewski", "Wasilewska"), ("Sobczak", "Sobczak"),
    ("Czerwiński", "Czerwińska"), ("Andrzejewski", "Andrzejewska"), ("Cieślak", "Cieślak"),
    ("Głowacki", "Głowacka"), ("Zakrzewski", "Zakrzewska"), ("Kołodziej", "Kołodziej"),
    ("Sikorski", "Sikorska"), ("Krajewski", "Krajewska"), ("Gajewski", "Gajewska"),
    ("Szymczak", "Szymczak"), ("Szulc", "Szulc"), ("Baranowski", "Baranowska"),
    ("Laskowski", "Laskowska"), ("Brzeziński", "Brzezińska"), ("Makowski", "Makowska"),
    ("Ziółkowski", "Ziółkowska"), ("Przybylski", "Przybylska"), ("Domański", "Domańska"),
)  # fmt: skip

OUTSIDE_TOWNS = (
    ("Łódź", "90-001"), ("Pabianice", "95-200"), ("Zduńska Wola", "98-220"),
    ("Sieradz", "98-200"), ("Bełchatów", "97-400"), ("Warszawa", "00-001"),
)  # fmt: skip

# (name, short name, EGiB status code, registry group it owns under)
INSTITUTIONS = (
    ("Skarb Państwa", "SP", "3"),
    ("Państwowe Gospodarstwo Leśne Lasy Państwowe - Nadleśnictwo Kolumna", "Nadl. Kolumna", "7"),
    ("Powiat Łaski", "Powiat Łaski", "37"),
    ("Województwo Łódzkie", "Woj. Łódzkie", "36"),
    ("Gmina Buczek", "Gmina Buczek", "4"),
    ("Gmina Łask", "Gmina Łask", "4"),
    ("Gmina Sędziejowice", "Gmina Sędziejowice", "4"),
    ("Gmina Widawa", "Gmina Widawa", "4"),
    ("Gmina Wodzierady", "Gmina Wodzierady", "4"),
    ("Parafia Rzymskokatolicka pw. św. Józefa w Łasku (fikcyjna)", "Parafia św. Józefa", "25"),
    ("Spółdzielnia Mieszkaniowa Przyszłość w Łasku (fikcyjna)", "SM Przyszłość", "23"),
    ("Gminna Spółdzielnia Samopomoc Chłopska w Widawie (fikcyjna)", "GS Widawa", "24"),
    ("Agro-Łask Sp. z o.o. (fikcyjna)", "Agro-Łask", "26"),
)  # fmt: skip
