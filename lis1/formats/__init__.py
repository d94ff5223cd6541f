"""Date formats by language (FORMAT_MODULE_PATH): Norwegian dates as Språkrådet writes them,
English dates as British English does. Pages, e-mails and messages use only the named
formats (`|date:"DATETIME_FORMAT"`, `date_format(value, "SHORT_DATE_FORMAT")`); machine
formats (ISO dates in CSV, JSON and input values) stay as they are.

========================  =========================  =====================
Name                      Norwegian (nb, nn)         English
========================  =========================  =====================
DATE_FORMAT               2. desember 2026           2 December 2026
DATETIME_FORMAT           2. desember 2026 kl. 12.00 2 December 2026, 12:00
SHORT_DATE_FORMAT         2. des. 2026               2 Dec 2026
SHORT_DATETIME_FORMAT     2. des. 2026 kl. 12.00     2 Dec 2026, 12:00
========================  =========================  =====================

Anything not defined here (input formats, number separators) comes from Django's own
locale formats."""
