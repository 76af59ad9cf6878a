"""The trusted folder (certification authorities and their CRLs), certification paths and revocation.

The folder (``REGISTRATION_TRUSTED_CA_DIR``) holds certificates (``.pem``, ``.crt``, ``.cer``; PEM, several
per file, or DER) and certificate revocation lists (``.crl``; PEM or DER). A self-signed certificate
there is a trust anchor; any other certificate there is an intermediate authority that may complete a
path but is trusted only if a path leads from it to an anchor. Every certificate of a path except the
anchor must be covered by a CRL of its issuer that is signed by the issuer's key and not past its
``nextUpdate``: no CRL, or only an out-of-date one, refuses the certificate (a check without a fresh
CRL cannot say "not revoked"). Anchors themselves are withdrawn by removing their file.

Each check looks at the folder's listing (names, sizes and modification times: a few ``stat`` calls) and
parses the files again only when that listing changed, so every app server sees the operator's latest
files without a restart, and an upload does not pay for parsing every certificate and CRL. Nothing is
fetched from the network: no CRL download, no OCSP.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtensionOID

from registration.identity.signature.errors import SignatureError

MAX_CHAIN_DEPTH = 6
CERTIFICATE_SUFFIXES = frozenset({".pem", ".crt", ".cer"})
CRL_SUFFIXES = frozenset({".crl"})


@dataclass(frozen=True)
class TrustStore:
    """What the trusted folder holds: anchors, intermediate authorities and revocation lists."""

    anchors: tuple[x509.Certificate, ...] = ()
    intermediates: tuple[x509.Certificate, ...] = ()
    crls: tuple[x509.CertificateRevocationList, ...] = field(default=(), repr=False)


def fingerprint(certificate: x509.Certificate) -> bytes:
    return certificate.fingerprint(hashes.SHA256())


def _files(directory: Path, suffixes: frozenset[str]) -> list[Path]:
    if not directory.is_dir():
        return []
    return [path for path in sorted(directory.iterdir()) if path.suffix.lower() in suffixes and path.is_file()]


def _read_certificates(path: Path) -> list[x509.Certificate]:
    data = path.read_bytes()
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        return []  # a damaged file in the folder must not make every signature untrusted


def _read_crl(path: Path) -> x509.CertificateRevocationList | None:
    data = path.read_bytes()
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_crl(data)
        return x509.load_der_x509_crl(data)
    except ValueError:
        return None  # skipped: the issuer then has no CRL and its certificates are refused, never accepted


def issued_by(child: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Whether ``issuer``'s name and key signed ``child``."""
    try:
        child.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def is_self_signed(certificate: x509.Certificate) -> bool:
    return certificate.subject == certificate.issuer and issued_by(certificate, certificate)


Listing = tuple[tuple[str, int, int], ...]


def _listing(directory: Path) -> Listing:
    """The folder's certificate and CRL files as (name, size, modification time): what a re-read depends on."""
    files = _files(directory, CERTIFICATE_SUFFIXES | CRL_SUFFIXES)
    return tuple((path.name, (stat := path.stat()).st_size, stat.st_mtime_ns) for path in files)


def _parse_certificates(directory: Path) -> tuple[list[x509.Certificate], list[x509.Certificate]]:
    anchors: list[x509.Certificate] = []
    intermediates: list[x509.Certificate] = []
    for path in _files(directory, CERTIFICATE_SUFFIXES):
        for certificate in _read_certificates(path):
            (anchors if is_self_signed(certificate) else intermediates).append(certificate)
    return anchors, intermediates


@lru_cache(maxsize=8)
def _parsed(directory: Path, listing: Listing) -> TrustStore:
    # ``listing`` is part of the cache key only: a changed, added or removed file gives a new key.
    anchors, intermediates = _parse_certificates(directory)
    crls = [crl for crl in map(_read_crl, _files(directory, CRL_SUFFIXES)) if crl is not None]
    return TrustStore(tuple(anchors), tuple(intermediates), tuple(crls))


def load_trust_store(directory: Path) -> TrustStore:
    """Everything in the trusted folder as it is now (parsed again only when its files changed)."""
    return _parsed(directory, _listing(directory))


def load_certificates(directory: Path) -> tuple[list[x509.Certificate], list[x509.Certificate]]:
    """The folder's certificates: (trust anchors, intermediate authorities)."""
    store = load_trust_store(directory)
    return list(store.anchors), list(store.intermediates)


def has_anchor(directory: Path) -> bool:
    """Whether the folder trusts at least one certification authority (the method is offered only then)."""
    return bool(load_trust_store(directory).anchors)


# --- paths ----------------------------------------------------------------------------------------


def _valid_at(certificate: x509.Certificate, when: datetime) -> bool:
    return certificate.not_valid_before_utc <= when <= certificate.not_valid_after_utc


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        return bool(certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _key_usage(certificate: x509.Certificate) -> x509.KeyUsage | None:
    try:
        return certificate.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value  # type: ignore[return-value]
    except x509.ExtensionNotFound:
        return None


def certification_path(
    leaf: x509.Certificate,
    shipped: Sequence[x509.Certificate],
    store: TrustStore,
    when: datetime,
) -> list[x509.Certificate] | None:
    """A path ``[leaf, …, anchor]`` of valid CA certificates with good signatures, or None.

    Only the anchors are trusted: an intermediate shipped in the file or kept in the folder counts only
    if an anchor (eventually) signed it. Candidates are tried depth-first, anchors first.
    """
    anchors = {fingerprint(anchor) for anchor in store.anchors}
    pool = [*store.anchors, *store.intermediates, *shipped]

    def walk(path: list[x509.Certificate], seen: frozenset[bytes]) -> list[x509.Certificate] | None:
        current = path[-1]
        if len(path) > MAX_CHAIN_DEPTH:
            return None
        for issuer in pool:
            key = fingerprint(issuer)
            if key in seen or issuer.subject != current.issuer:
                continue
            usage = _key_usage(issuer)
            if usage is not None and not usage.key_cert_sign:
                continue
            if not (_is_ca(issuer) and _valid_at(issuer, when) and issued_by(current, issuer)):
                continue
            if key in anchors:
                return [*path, issuer]
            found = walk([*path, issuer], seen | {key})
            if found is not None:
                return found
        return None

    return walk([leaf], frozenset({fingerprint(leaf)}))


# --- revocation -----------------------------------------------------------------------------------


def _crl_by(
    issuer: x509.Certificate, crls: Sequence[x509.CertificateRevocationList]
) -> x509.CertificateRevocationList | None:
    """The newest CRL that ``issuer`` signed (by name and key), or None; only a CRL-signing key counts."""
    usage = _key_usage(issuer)
    if usage is not None and not usage.crl_sign:
        return None
    public_key = issuer.public_key()
    signed = []
    for crl in crls:
        if crl.issuer != issuer.subject:
            continue
        try:
            valid = crl.is_signature_valid(public_key)  # type: ignore[arg-type]
        except (TypeError, ValueError, UnsupportedAlgorithm):
            valid = False
        if valid:
            signed.append(crl)
    return max(signed, key=lambda crl: crl.last_update_utc, default=None)


def check_revocation(
    path: Sequence[x509.Certificate], crls: Sequence[x509.CertificateRevocationList], when: datetime
) -> None:
    """Raise ``certificate_revoked``, ``crl_stale`` or ``crl_missing`` for the first certificate of the path
    (the anchor excepted) that its issuer's newest CRL lists, or that no fresh CRL covers."""
    for child, issuer in pairwise(path):
        crl = _crl_by(issuer, crls)
        if crl is None:
            raise SignatureError("crl_missing")
        # A listed certificate is revoked whatever the list's age: revocation is not undone by time.
        if crl.get_revoked_certificate_by_serial_number(child.serial_number) is not None:
            raise SignatureError("certificate_revoked")
        if crl.next_update_utc is None or crl.next_update_utc < when:
            raise SignatureError("crl_stale")


def crl_problems(store: TrustStore, when: datetime) -> list[tuple[x509.Certificate, str]]:
    """Each authority of the folder whose CRL is missing or out of date (what the system check reports)."""
    problems = []
    for authority in (*store.anchors, *store.intermediates):
        crl = _crl_by(authority, store.crls)
        if crl is None:
            problems.append((authority, "crl_missing"))
        elif crl.next_update_utc is None or crl.next_update_utc < when:
            problems.append((authority, "crl_stale"))
    return problems
