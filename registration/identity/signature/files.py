"""Opening the PKCS #12 file a person uploads: the certificates are kept, the private key is dropped at once."""

from __future__ import annotations

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.serialization import pkcs12
from django.views.decorators.debug import sensitive_variables

from registration.identity import conf
from registration.identity.signature.errors import SignatureError


def looks_like_pkcs12(data: bytes) -> bool:
    """A DER SEQUENCE whose first element is INTEGER 3 (the PFX version): tells a PKCS #12 file apart."""
    if len(data) < 8 or data[0] != 0x30:
        return False
    first = data[1]
    if first < 0x80:
        offset = 2
    else:
        length_bytes = first & 0x7F
        if not 1 <= length_bytes <= 4:
            return False
        offset = 2 + length_bytes
    return data[offset : offset + 3] == b"\x02\x01\x03"


@sensitive_variables("password", "data", "secret", "key")
def load_pkcs12(data: bytes, password: str) -> tuple[x509.Certificate, list[x509.Certificate]]:
    """The certificate and the other certificates of a PKCS #12 file; the private key is dropped at once."""
    if len(data) > conf.signature_max_file_size():
        raise SignatureError("file_too_large")
    if not looks_like_pkcs12(data):
        raise SignatureError("not_a_certificate_file")
    secrets_to_try: list[bytes | None] = [password.encode("utf-8")]
    if not password:
        secrets_to_try.append(None)
    for secret in secrets_to_try:
        try:
            key, certificate, additional = pkcs12.load_key_and_certificates(data, secret)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            continue
        del key
        if certificate is None:
            raise SignatureError("no_certificate")
        return certificate, list(additional)
    raise SignatureError("wrong_password")
