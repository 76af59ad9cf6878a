"""``python -m registration.payments.simulator``: serve the payment provider's simulator on loopback."""

from __future__ import annotations

import argparse
import os
import signal

from registration.payments.simulator import CARD_DECLINED, CARD_OK, CARD_PENDING, PaymentSimulator


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the payment provider's simulator on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8078)
    parser.add_argument("--shop-id", default=os.environ.get("PAYMENT_SHOP_ID", ""))
    parser.add_argument("--secret", default=os.environ.get("PAYMENT_SECRET", ""), help="require signed requests")
    parser.add_argument("--webhook-secret", default=os.environ.get("PAYMENT_WEBHOOK_SECRET", ""))
    args = parser.parse_args()
    simulator = PaymentSimulator(
        args.port, shop_id=args.shop_id, secret=args.secret, webhook_secret=args.webhook_secret, echo=True
    )
    print(
        f"Payment simulator on {simulator.url}/ (cards: {CARD_OK} pays, {CARD_DECLINED} is declined, "
        f"{CARD_PENDING} stays pending; Ctrl+C stops it)",
        flush=True,
    )
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    signal.sigwait({signal.SIGINT, signal.SIGTERM})
    simulator.close()


if __name__ == "__main__":
    main()
