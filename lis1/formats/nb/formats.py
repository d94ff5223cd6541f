"""Bokmål dates: "2. desember 2026 kl. 12.00", short "2. des. 2026 kl. 12.00" (lower-case
months; N is Django's abbreviated month, "des.", "mai", "sept.")."""

DATE_FORMAT = "j. F Y"
TIME_FORMAT = "H.i"
DATETIME_FORMAT = r"j. F Y \k\l. H.i"
SHORT_DATE_FORMAT = "j. N Y"
SHORT_DATETIME_FORMAT = r"j. N Y \k\l. H.i"
