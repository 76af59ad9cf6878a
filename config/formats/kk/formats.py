"""Kazakh formats: DD.MM.YYYY dates as every other language (config/formats/en), numbers as the language writes them."""

from config.formats.en.formats import *  # noqa: F403

# Numbers as CLDR writes them in Kazakh ("15 000,00"): Django's own formats lack them.
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\N{NO-BREAK SPACE}"
NUMBER_GROUPING = 3
