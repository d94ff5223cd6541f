"""Fixed name lists and country tables for demo applicants (no Faker: the lists are small,
stable across library versions, and the seeded RNG picks from them)."""

from __future__ import annotations

# (female given names, male given names, family names) per nationality (ISO 3166 alpha-2).
# fmt: off
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "NO": (
        ("Ingrid", "Nora", "Emma", "Sara", "Ida", "Maria", "Thea", "Ingeborg", "Sofie", "Hanna",
         "Marte", "Kristine", "Silje", "Julie", "Tiril", "Astrid", "Ragnhild", "Eli", "Karoline",
         "Mathilde", "Guro", "Marit", "Synnøve", "Åse", "Live"),
        ("Jonas", "Magnus", "Henrik", "Sindre", "Eirik", "Håkon", "Ola", "Lars", "Kristian",
         "Martin", "Andreas", "Sander", "Even", "Øystein", "Torbjørn", "Vegard", "Aksel",
         "Bjørn", "Halvor", "Sivert", "Mathias", "Fredrik", "Trond", "Erlend", "Jørgen"),
        ("Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen",
         "Kristiansen", "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen",
         "Hagen", "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen", "Halvorsen",
         "Henriksen", "Lund", "Sørensen", "Moen", "Solberg", "Strand", "Bakken", "Lie", "Ruud",
         "Kristoffersen", "Holm", "Lien", "Aas", "Myhre", "Sæther", "Nygård", "Brekke", "Tveit",
         "Aune", "Fossum", "Vik", "Rønning"),
    ),
    "SE": (
        ("Elsa", "Alice", "Maja", "Wilma", "Ebba", "Klara", "Linnea"),
        ("Oscar", "Erik", "Axel", "Gustav", "Viktor", "Anton", "Olof"),
        ("Andersson", "Lindqvist", "Svensson", "Nyström", "Bergström", "Lindgren", "Holmberg"),
    ),
    "DK": (
        ("Freja", "Ida", "Caroline", "Mette", "Signe", "Laura"),
        ("Mads", "Rasmus", "Frederik", "Mikkel", "Søren", "Jeppe"),
        ("Nielsen", "Rasmussen", "Christensen", "Madsen", "Kjærgaard", "Thomsen"),
    ),
    "DE": (
        ("Lena", "Anna", "Katharina", "Julia", "Lea", "Franziska"),
        ("Lukas", "Felix", "Jonas", "Maximilian", "Tobias", "Florian"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann"),
    ),
    "PL": (
        ("Anna", "Katarzyna", "Agnieszka", "Magdalena", "Joanna", "Zofia", "Aleksandra"),
        ("Piotr", "Tomasz", "Krzysztof", "Paweł", "Michał", "Jakub", "Marcin"),
        ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamińska", "Lewandowski", "Zielińska"),
    ),
    "HU": (
        ("Eszter", "Katalin", "Réka", "Zsófia", "Anna", "Dóra"),
        ("Bence", "Gábor", "Dániel", "Levente", "Péter", "Máté"),
        ("Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga"),
    ),
    "CZ": (
        ("Tereza", "Eliška", "Kateřina", "Lucie", "Veronika"),
        ("Jan", "Tomáš", "Jakub", "Ondřej", "Lukáš"),
        ("Novák", "Svoboda", "Dvořák", "Černá", "Procházka"),
    ),
    "SK": (
        ("Zuzana", "Lucia", "Martina", "Simona", "Jana"),
        ("Marek", "Peter", "Juraj", "Matej", "Martin"),
        ("Horváth", "Kováč", "Baláž", "Tóth", "Szabó"),
    ),
    "RO": (
        ("Ioana", "Andreea", "Elena", "Maria", "Alexandra"),
        ("Andrei", "Mihai", "Alexandru", "Ștefan", "Radu"),
        ("Popescu", "Ionescu", "Popa", "Dumitru", "Stan"),
    ),
    "LT": (
        ("Gabija", "Ieva", "Rūta", "Eglė", "Austėja"),
        ("Lukas", "Mantas", "Tomas", "Jonas", "Dovydas"),
        ("Kazlauskas", "Petrauskas", "Jankauskas", "Vasiliauskas", "Žukauskas"),
    ),
    "RU": (
        ("Anastasia", "Olga", "Ekaterina", "Tatiana", "Natalia", "Irina"),
        ("Aleksandr", "Dmitrij", "Sergej", "Mikhail", "Ivan", "Nikolaj"),
        ("Ivanova", "Smirnov", "Kuznetsova", "Popov", "Sokolova", "Petrov"),
    ),
    "UA": (
        ("Olena", "Iryna", "Oksana", "Kateryna", "Yulia", "Nataliia"),
        ("Oleksandr", "Andrii", "Serhii", "Volodymyr", "Taras", "Bohdan"),
        ("Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk"),
    ),
    "IR": (
        ("Maryam", "Fatemeh", "Zahra", "Shirin", "Parisa", "Nazanin"),
        ("Ali", "Reza", "Mohammad", "Amir", "Hossein", "Arash"),
        ("Hosseini", "Mohammadi", "Karimi", "Rahimi", "Ahmadi", "Jafari"),
    ),
    "IQ": (
        ("Noor", "Zainab", "Huda", "Sara", "Rana"),
        ("Ahmed", "Mustafa", "Haider", "Omar", "Karim"),
        ("Al-Jabouri", "Hassan", "Al-Saadi", "Kadhim", "Salih"),
    ),
    "SY": (
        ("Lina", "Rama", "Hala", "Dima", "Yara"),
        ("Khaled", "Yousef", "Samer", "Bashar", "Rami"),
        ("Al-Hamwi", "Haddad", "Khoury", "Mansour", "Darwish"),
    ),
    "RS": (
        ("Jelena", "Milica", "Ana", "Marija", "Jovana"),
        ("Nikola", "Marko", "Stefan", "Milan", "Lazar"),
        ("Jovanović", "Petrović", "Nikolić", "Marković", "Đorđević"),
    ),
    "BA": (
        ("Amra", "Lejla", "Selma", "Emina", "Aida"),
        ("Emir", "Adnan", "Haris", "Tarik", "Mirza"),
        ("Hodžić", "Begić", "Delić", "Kovačević", "Mehmedović"),
    ),
    "PH": (
        ("Maria", "Kristine", "Angelica", "Joanna", "Patricia"),
        ("Jose", "Mark", "John Paul", "Miguel", "Carlo"),
        ("Santos", "Reyes", "Cruz", "Bautista", "Garcia"),
    ),
    "PK": (
        ("Ayesha", "Fatima", "Sana", "Hina", "Amna"),
        ("Usman", "Bilal", "Hamza", "Imran", "Faisal"),
        ("Khan", "Ahmed", "Malik", "Iqbal", "Chaudhry"),
    ),
    "SO": (
        ("Hodan", "Amina", "Faadumo", "Sahra", "Ifrah"),
        ("Abdirahman", "Mohamed", "Abdullahi", "Yusuf", "Hassan"),
        ("Ali", "Farah", "Warsame", "Abdi", "Osman"),
    ),
    "VN": (
        ("Linh", "Mai", "Thu", "Hoa", "Anh"),
        ("Minh", "Duc", "Tuan", "Huy", "Long"),
        ("Nguyen", "Tran", "Le", "Pham", "Hoang"),
    ),
}
# fmt: on

# Names of Norwegian nationals with family roots elsewhere (a realistic share of new doctors).
HERITAGE_NAME_SETS = ("PK", "IR", "SO", "VN", "PL", "IQ", "BA")

# Where Norwegian nationals study medicine abroad (weights); the UK is outside the EEA since 2021.
NORWEGIAN_ABROAD_EEA = (
    ("PL", 26), ("HU", 20), ("CZ", 15), ("SK", 10), ("DK", 10), ("DE", 5), ("LT", 5),
    ("RO", 3), ("SE", 4), ("LV", 2),
)  # fmt: skip
NORWEGIAN_ABROAD_OTHER = (("GB", 45), ("RS", 10), ("BA", 10), ("UA", 10), ("AU", 10), ("US", 15))

# Nationality of foreign applicants (weights). Most studied in their own country.
FOREIGN_NATIONALITIES = (
    ("SE", 10), ("DK", 5), ("DE", 8), ("PL", 8), ("LT", 4), ("RO", 3), ("HU", 2),
    ("RU", 7), ("UA", 10), ("IR", 8), ("IQ", 6), ("SY", 9), ("RS", 5), ("BA", 5),
    ("PH", 4), ("PK", 6),
)  # fmt: skip
# Foreign nationals from outside the EEA who took their degree in an EEA country instead.
FOREIGN_EEA_STUDY = (("HU", 40), ("PL", 30), ("RO", 15), ("LT", 15))
