"""Amounts in kopecks shown in roubles, as the active language writes numbers."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format


def roubles(kopecks: int) -> str:
    """``150000`` → "1 500,00 ₽" in Russian, "1,500.00 ₽" in English."""
    amount = Decimal(int(kopecks)) / 100
    return f"{number_format(amount, 2, use_l10n=True, force_grouping=True)}\N{NO-BREAK SPACE}₽"
