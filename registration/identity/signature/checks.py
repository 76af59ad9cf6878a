"""System checks of the trusted folder: is any authority trusted, are their CRLs fresh, is the demo CA there?"""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Info, Tags, Warning, register
from django.utils import timezone

from registration.identity import conf
from registration.identity.signature import trust

#: The common name the demo loader gives its certification authority (registration/demo/identity.py).
DEMO_CA_NAME = "Demo certification authority (not trusted anywhere else)"


def _names(certificate: Any) -> str:
    return certificate.subject.rfc4514_string()


@register(Tags.security)
def signature_authorities(app_configs: Any = None, **kwargs: Any) -> list:
    """The signature method needs a trusted authority, each with a fresh CRL; else it is hidden or refuses."""
    folder = conf.trusted_ca_dir()
    store = trust.load_trust_store(folder)
    asked_for = "signature" in (conf.enabled_methods() or ())
    if not store.anchors:
        message = f"No certification authority is trusted ({folder} holds no self-signed CA certificate): the "
        message += "electronic signature method is not offered."
        hint = "Put the accredited authorities' root certificates and CRLs there (README: Electronic signature)."
        if asked_for:
            # Listed in REGISTRATION_IDENTITY_METHODS, yet it cannot be offered: a configuration mistake.
            return [Warning(message, hint=hint, id="registration.W003")]
        return [Info(message, hint=hint, id="registration.I002")]
    return [
        Warning(
            f"The CRL of {_names(authority)} in {folder} is {'missing' if code == 'crl_missing' else 'out of date'}: "
            "signature certificates it issued are refused.",
            hint="Download the authority's current CRL into the folder (README: Electronic signature).",
            id="registration.W004",
        )
        for authority, code in trust.crl_problems(store, timezone.now())
    ]


@register(Tags.security, deploy=True)
def demo_authority_is_not_trusted(app_configs: Any = None, **kwargs: Any) -> list:
    """A deployment must never trust the development demo CA (anyone with the repository could sign)."""
    anchors, intermediates = trust.load_certificates(conf.trusted_ca_dir())
    demo = [c for c in (*anchors, *intermediates) if DEMO_CA_NAME in _names(c)]
    if demo:
        return [
            Error(
                f"The development demo certification authority is trusted ({conf.trusted_ca_dir()}).",
                hint="Remove demo-ca.pem and demo-ca.crl; only load_demo_data with DEBUG on makes them.",
                id="registration.E005",
            )
        ]
    return []
