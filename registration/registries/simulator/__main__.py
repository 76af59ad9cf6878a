"""``python -m registration.registries.simulator``: serve the registry simulator on loopback."""

from __future__ import annotations

import argparse
import signal

from registration.registries.simulator import RegistrySimulator


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the agencies' registries' simulator on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8079)
    parser.add_argument("--token", default="", help="require this bearer token")
    parser.add_argument("--signing-key", default="", help="require requests signed with this HMAC key")
    args = parser.parse_args()
    simulator = RegistrySimulator(args.port, token=args.token, signing_key=args.signing_key)
    print(f"Registry simulator on {simulator.url}/ (Ctrl+C stops it)", flush=True)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    signal.sigwait({signal.SIGINT, signal.SIGTERM})
    simulator.close()


if __name__ == "__main__":
    main()
