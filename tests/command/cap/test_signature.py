"""XML-DSig on CAP alerts: valid, tampered, unsigned, signed without a trusted key."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from lxml import etree

from command.cap import CapError, CapTrust, parse_alerts, parse_cap, validate_cap
from command.cap.signature import TRUST_ENV
from tests.command.cap.alerts import alert_xml, edxl, key_and_cert, sign


@pytest.fixture(scope="module")
def signer() -> tuple[object, bytes, bytes]:
    key, cert = key_and_cert()
    return key, cert, sign(alert_xml(), key, cert)  # type: ignore[arg-type]


def verdict(xml: bytes | str, trust: CapTrust) -> dict[str, str]:
    return dict(parse_alerts(xml, trust=trust)[0]["signature"])


def test_signed_alert_is_schema_valid_and_verifies_with_its_trusted_certificate(
    signer: tuple[object, bytes, bytes],
) -> None:
    _, cert, signed = signer
    assert validate_cap(signed) == []
    v = verdict(signed, CapTrust.from_pem([cert]))
    assert v["verdict"] == "valid" and v["signer"] == "CN=Duty office test signer"
    sig = parse_cap(signed, trust=CapTrust.from_pem([cert]))
    assert sig.body["cap"]["signature"]["verdict"] == "valid"
    assert not sig.headline.startswith("[")


def test_tampered_alert_is_invalid_whatever_is_trusted(
    signer: tuple[object, bytes, bytes],
) -> None:
    _, cert, signed = signer
    tampered = signed.replace(b"<severity>Severe", b"<severity>Minor", 1)
    assert tampered != signed
    for trust in (CapTrust(), CapTrust.from_pem([cert])):
        assert verdict(tampered, trust)["verdict"] == "invalid"
    sig = parse_cap(tampered, trust=CapTrust.from_pem([cert]))
    assert sig.headline.startswith("[SIGNATURE INVALID] ")


def test_signed_but_no_trusted_key(signer: tuple[object, bytes, bytes]) -> None:
    _, _, signed = signer
    assert verdict(signed, CapTrust())["verdict"] == "signed-no-trusted-key"
    _, other = key_and_cert("Someone else")
    assert verdict(signed, CapTrust.from_pem([other]))["verdict"] == "signed-no-trusted-key"


def test_unsigned() -> None:
    assert verdict(alert_xml(), CapTrust())["verdict"] == "unsigned"


def test_a_signed_alert_inside_an_edxl_de_envelope_still_verifies(
    signer: tuple[object, bytes, bytes],
) -> None:
    _, cert, signed = signer
    assert verdict(edxl(signed.decode()), CapTrust.from_pem([cert]))["verdict"] == "valid"


def test_trusted_public_key_and_key_value_signatures(signer: tuple[object, bytes, bytes]) -> None:
    from signxml import methods
    from signxml.signer import XMLSigner

    key = signer[0]
    pem = key.private_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    root = etree.fromstring(alert_xml().encode())
    signed = etree.tostring(XMLSigner(method=methods.enveloped).sign(root, key=pem))
    assert b"KeyValue" in signed
    assert verdict(signed, CapTrust.from_pem([public]))["verdict"] == "valid"
    assert verdict(signed, CapTrust())["verdict"] == "signed-no-trusted-key"
    # the certificate of the same key trusts it too
    assert verdict(signed, CapTrust.from_pem([signer[1]]))["verdict"] == "valid"


def test_trust_files_and_environment(tmp_path: Path, signer: tuple[object, bytes, bytes]) -> None:
    _, cert, signed = signer
    path = tmp_path / "trusted.pem"
    path.write_bytes(cert)
    assert verdict(signed, CapTrust.load([path]))["verdict"] == "valid"
    assert CapTrust.from_env({TRUST_ENV: str(path)}).keys == CapTrust.load([path]).keys
    assert CapTrust.from_env({}).empty
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key\n")
    with pytest.raises(CapError, match="no PEM certificate or public key"):
        CapTrust.load([bad])
    with pytest.raises(CapError, match="cannot read"):
        CapTrust.load([tmp_path / "missing.pem"])
