"""The main laptop's TLS identity for stations: a self-signed certificate made per event.

No certificate authority is involved: the station learns the certificate's fingerprint from
the pairing code (typed or scanned off the main laptop's screen) and accepts that
certificate only, so a laptop or phone on the same Wi-Fi cannot pose as the main laptop,
and what a station sends (keyed votes among it) is encrypted. The key is an ECDSA P-256
key made with the ``cryptography`` library (OpenSSL's, the one Python's own ``ssl`` uses).
"""

from __future__ import annotations

import contextlib
import os
import ssl
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from facilitator.stations.model import pin_of


@dataclass(frozen=True)
class Identity:
    certificate_pem: str
    key_pem: str

    @property
    def certificate_der(self) -> bytes:
        return ssl.PEM_cert_to_DER_cert(self.certificate_pem)

    @property
    def pin(self) -> str:
        return pin_of(self.certificate_der)


def make_identity(event_name: str, now: datetime) -> Identity:
    """A new key and a self-signed certificate valid for three years from ``now``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                         ("Facilitator " + event_name)[:64] or "Facilitator")])
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3 * 365))
            .sign(key, hashes.SHA256()))
    return Identity(
        cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                          serialization.NoEncryption()).decode("ascii"))


@contextlib.contextmanager
def identity_files(identity: Identity) -> Iterator[tuple[str, str]]:
    """The certificate and key as files (Python's ``ssl`` loads keys only from files), in a
    private temporary folder removed as soon as the caller has loaded them."""
    with tempfile.TemporaryDirectory(prefix="facilitator-tls-") as folder:
        cert_path, key_path = Path(folder) / "cert.pem", Path(folder) / "key.pem"
        cert_path.write_text(identity.certificate_pem, encoding="ascii")
        fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(identity.key_pem)
        try:
            yield str(cert_path), str(key_path)
        finally:
            with contextlib.suppress(OSError):
                key_path.unlink()


def client_context() -> ssl.SSLContext:
    """The station's side: TLS 1.2+, no CA (the certificate is self-signed); the caller
    checks the pinned fingerprint before sending a byte (:func:`pinned`)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def pinned(sock: ssl.SSLSocket, pin: str) -> bool:
    """Whether the peer's certificate is the one the pairing code named."""
    der = sock.getpeercert(binary_form=True)
    return der is not None and pin_of(der) == pin
