"""The state fees' outcome: a paid fee submits its application (``registration.payments`` calls this after commit)."""

from __future__ import annotations

from registration.payments.flows import on_status_change
from registration.payments.models import Payment
from registration.services import flows


@on_status_change(flows.PAYMENT_PURPOSE)
def payment_status_changed(payment: Payment) -> None:
    flows.fee_paid(payment)
