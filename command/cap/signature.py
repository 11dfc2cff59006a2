"""XML-DSig on CAP alerts: an enveloped `ds:Signature` checked with signxml against trusted keys.

The verdict is one of:

- `valid`: the signature verifies and its key is one of the trusted certificates or keys;
- `invalid`: the alert was changed after signing, or the signature is malformed, or does not
  cover the whole alert;
- `unsigned`: the alert has no `ds:Signature`;
- `signed-no-trusted-key`: the signature verifies with the key it carries, but no trusted
  certificate or key is configured that it matches, so who signed it is not established.

Trusted material comes from PEM files (certificates and/or public keys), given to `CapTrust.load`
or named in `$BATON_CAP_TRUST` (paths separated by the system's path separator). signxml is only
imported when an alert carries a signature.
"""

from __future__ import annotations

import base64
import copy
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from command.cap.model import DSIG_NS
from command.cap.profile import CapError
from command.files import MAX_KEY_BYTES, read_file_bytes

TRUST_ENV = "BATON_CAP_TRUST"
_DS = {"ds": DSIG_NS}
_PEM = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----.+?-----END \1-----", re.S)


class Verdict(StrEnum):
    """What a CAP alert's XML signature establishes."""

    VALID = "valid"
    INVALID = "invalid"
    UNSIGNED = "unsigned"
    NO_TRUSTED_KEY = "signed-no-trusted-key"


VERDICT_TEXT = {
    Verdict.VALID: "signed, valid (trusted key)",
    Verdict.INVALID: "signed, INVALID",
    Verdict.UNSIGNED: "unsigned",
    Verdict.NO_TRUSTED_KEY: "signed, no trusted key to check the signer",
}


def _spki(key: Any) -> bytes:
    return bytes(
        key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


@dataclass(frozen=True, slots=True)
class CapTrust:
    """The certificates and public keys whose signatures Baton trusts on CAP alerts."""

    certificates: tuple[x509.Certificate, ...] = ()
    keys: tuple[bytes, ...] = ()  # DER SubjectPublicKeyInfo, certificates' keys included

    @property
    def empty(self) -> bool:
        """True when nothing is trusted."""
        return not self.keys

    def knows(self, public_key: Any) -> bool:
        """True when `public_key` is trusted."""
        return _spki(public_key) in self.keys

    @classmethod
    def from_pem(cls, blobs: Iterable[bytes], *, name: str = "trust") -> CapTrust:
        """Trust every certificate and public key in these PEM texts."""
        certs: list[x509.Certificate] = []
        keys: list[bytes] = []
        for blob in blobs:
            blocks = list(_PEM.finditer(blob))
            if not blocks:
                raise CapError(f"{name}: no PEM certificate or public key in it")
            for m in blocks:
                label = m.group(1).decode()
                try:
                    if label == "CERTIFICATE":
                        cert = x509.load_pem_x509_certificate(m.group(0))
                        certs.append(cert)
                        keys.append(_spki(cert.public_key()))
                    elif label == "PUBLIC KEY":
                        keys.append(_spki(serialization.load_pem_public_key(m.group(0))))
                    else:
                        raise CapError(f"{name}: {label} is not a certificate or public key")
                except ValueError as err:
                    raise CapError(f"{name}: unreadable {label}: {err}") from None
        return cls(tuple(certs), tuple(keys))

    @classmethod
    def load(cls, paths: Iterable[str | Path]) -> CapTrust:
        """Trust the certificates and keys of these PEM files (one-line `CapError` if not)."""
        blobs, names = [], []
        for p in paths:
            blobs.append(
                read_file_bytes(p, what="trusted CAP key", max_bytes=MAX_KEY_BYTES, error=CapError)
            )
            names.append(str(p))
        if not blobs:
            return cls()
        return cls.from_pem(blobs, name=", ".join(names))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> CapTrust:
        """The trust named in `$BATON_CAP_TRUST` (nothing trusted when it is unset)."""
        value = (os.environ if environ is None else environ).get(TRUST_ENV, "")
        return cls.load([p for p in value.split(os.pathsep) if p.strip()])


def _result(verdict: Verdict, detail: str, signer: str = "") -> dict[str, str]:
    return {"verdict": verdict.value, "detail": detail, "signer": signer}


def _subject(cert: x509.Certificate) -> str:
    return cert.subject.rfc4514_string()


def check_signature(alert: Any, trust: CapTrust, when: datetime | None) -> dict[str, str]:
    """The verdict on the alert element's enveloped signature (`verdict`, `detail`, `signer`).

    Certificates are checked for validity at `when` (the alert's `sent`), not today, so an
    archived alert keeps its verdict.
    """
    sig = alert.find(f"{{{DSIG_NS}}}Signature")
    if sig is None:
        return _result(Verdict.UNSIGNED, "no ds:Signature")
    from signxml.exceptions import InvalidCertificate, InvalidDigest, InvalidInput, InvalidSignature
    from signxml.verifier import SignatureConfiguration, VerifyResult, XMLVerifier

    failures = (InvalidInput, InvalidSignature, InvalidCertificate, InvalidDigest, ValueError)
    doc = copy.deepcopy(alert)  # the alert as its own document (it may sit in an envelope)
    config = SignatureConfiguration(
        location="./", ignore_ambiguous_key_info=True, verification_time=when
    )

    def verify(**kwargs: Any) -> Any:
        result = XMLVerifier().verify(doc, expect_config=config, **kwargs)
        if not isinstance(result, VerifyResult):  # one reference expected, so one result
            raise InvalidSignature("the signature has more than one reference")
        signed = result.signed_xml
        if signed is None or signed.tag != alert.tag:
            raise InvalidSignature("the signature does not cover the whole alert")
        return result

    cert_text = sig.findtext("ds:KeyInfo/ds:X509Data/ds:X509Certificate", namespaces=_DS)
    has_key_value = sig.find("ds:KeyInfo/ds:KeyValue", namespaces=_DS) is not None
    try:
        if cert_text:
            cert = x509.load_der_x509_certificate(base64.b64decode("".join(cert_text.split())))
            verify(x509_cert=cert)
            signer = _subject(cert)
            if trust.knows(cert.public_key()):
                return _result(Verdict.VALID, "verifies with a trusted certificate", signer)
            why = "intact, but its certificate is not trusted"
            return _result(Verdict.NO_TRUSTED_KEY, why, signer)
        if has_key_value:
            config = replace(config, require_x509=False)
            result = verify()
            key = serialization.load_pem_public_key(result.signature_key)
            if trust.knows(key):
                return _result(Verdict.VALID, "verifies with a trusted key")
            return _result(Verdict.NO_TRUSTED_KEY, "intact, but its key is not trusted")
    except failures as err:
        return _result(Verdict.INVALID, _one_line(err))
    for trusted in trust.certificates:  # no key in the signature: try each trusted certificate
        try:
            verify(x509_cert=trusted)
        except failures:
            continue
        return _result(Verdict.VALID, "verifies with a trusted certificate", _subject(trusted))
    if trust.empty:
        return _result(Verdict.NO_TRUSTED_KEY, "the signature carries no key and none is trusted")
    return _result(Verdict.INVALID, "does not verify with any trusted certificate")


def _one_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__
