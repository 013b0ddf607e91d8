"""The instance's seal: a key and a self-signed certificate made on first use, and a PAdES signature.

The key (RSA 3072: an ECDSA seal would make pyHanko declare PDF 2.0's ISO 32002 extension, which a
PDF/A-3 file, based on PDF 1.7, should not carry) and its certificate live under the instance folder (`instance/seal/`), made once
and kept; the certificate is published on the verify page so anyone can check a file offline too. An
issued agreement is sealed by pyHanko as an incremental update in an invisible signature field, so the
PDF/A-3 file underneath is unchanged and stays PDF/A-3. No Flask import.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import io
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import VENDOR
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import get_pyca_cryptography_hash

FIELD_NAME = "RoundtableSeal"
CERT_YEARS = 30  # archival: a seal should stay checkable for as long as the agreement matters


@dataclass(frozen=True)
class Credentials:
    key_path: Path
    cert_path: Path

    @property
    def certificate_pem(self) -> bytes:
        return self.cert_path.read_bytes()

    @property
    def certificate(self):
        """The certificate as pyHanko (asn1crypto) reads it."""
        return load_cert_from_pemder(str(self.cert_path))

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the certificate's DER bytes."""
        cert = x509.load_pem_x509_certificate(self.certificate_pem)
        return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


@contextlib.contextmanager
def _exclusive(lock_path: Path):
    with open(lock_path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def credentials(folder: Path, *, name: str = "Roundtable") -> Credentials:
    """The instance's seal key and certificate, made on first use (one process at a time makes them)."""
    folder.mkdir(parents=True, exist_ok=True)
    found = Credentials(folder / "seal-key.pem", folder / "seal-cert.pem")
    if found.key_path.exists() and found.cert_path.exists():
        return found
    with _exclusive(folder / ".lock"):
        if not (found.key_path.exists() and found.cert_path.exists()):
            _make(found, name)
    return found


def _make(found: Credentials, name: str) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"{name} agreement seal"[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Roundtable"),
        ]
    )
    now = datetime.now(UTC)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * CERT_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _write(found.key_path, key_pem, 0o600)
    _write(found.cert_path, certificate.public_bytes(serialization.Encoding.PEM), 0o644)


def _write(path: Path, data: bytes, mode: int) -> None:
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


class _SealSigner(signers.SimpleSigner):
    """pyHanko's simple signer, with the private key parsed once: pyHanko parses it again for each signature
    (twice a seal, with the size estimate), and checking an RSA key takes longer than the whole seal."""

    _private_key: rsa.RSAPrivateKey

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        return self._private_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))


@functools.lru_cache(maxsize=4)
def _signer(key_path: str, cert_path: str, _stamp: tuple[int, int]) -> _SealSigner:
    loaded = signers.SimpleSigner.load(key_path, cert_path)
    if loaded is None or loaded.signing_cert is None:
        raise RuntimeError("the instance's seal key could not be read")
    key = serialization.load_pem_private_key(Path(key_path).read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise RuntimeError("the instance's seal key is not an RSA key")
    signer = _SealSigner(
        signing_cert=loaded.signing_cert, signing_key=loaded.signing_key, cert_registry=loaded.cert_registry
    )
    signer._private_key = key
    return signer


def signer_for(found: Credentials) -> _SealSigner:
    """The signer of these credentials, parsed once per process (again if the files change)."""
    stamp = (found.key_path.stat().st_mtime_ns, found.cert_path.stat().st_mtime_ns)
    return _signer(str(found.key_path), str(found.cert_path), stamp)


def seal(pdf: bytes, found: Credentials, *, reason: str = "Issued by Roundtable") -> bytes:
    """The PDF with the instance's PAdES seal appended as an incremental update (invisible field).

    pyHanko writes its own name as the XMP producer but appends it to the Info dictionary's; PDF/A wants
    the two to agree, so the Info producer is set to pyHanko's first (both then say pyHanko; the dates
    of creation stay those the agreement states, the modification date is the seal's).
    """
    signer = signer_for(found)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    info = writer.trailer["/Info"].get_object()
    info["/Producer"] = generic.TextStringObject(VENDOR)
    writer.update_container(info)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        name="Roundtable",
    )
    output = signers.sign_pdf(writer, metadata, signer=signer)
    return output.getvalue()
