"""Chinese (simplified) formats: DD.MM.YYYY dates (config/formats/en), numbers as the language writes them."""

from config.formats.en.formats import *  # noqa: F403

# Numbers as CLDR writes them in Chinese (simplified) ("15,000.00"): Django's own differ.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
