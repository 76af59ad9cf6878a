"""Kazakh dates: the same DD.MM.YYYY formats as every other language (config/formats/en)."""

from config.formats.en.formats import *  # noqa: F403
