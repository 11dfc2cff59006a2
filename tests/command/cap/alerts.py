"""CAP test alerts written for Baton's tests (none copied from elsewhere), and a signer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree

CAP11 = "urn:oasis:names:tc:emergency:cap:1.1"
CAP12 = "urn:oasis:names:tc:emergency:cap:1.2"
EDXL = "urn:oasis:names:tc:emergency:EDXL:DE:1.0"


def _pairs(tag: str, items: list[tuple[str, str]]) -> str:
    return "".join(f"<{tag}><valueName>{n}</valueName><value>{v}</value></{tag}>" for n, v in items)


def alert_xml(
    *,
    ns: str = CAP12,
    identifier: str = "IMO-2026-0001",
    sender: str = "vakt@vedur.example.is",
    sent: str = "2026-02-03T08:00:00-00:00",
    status: str = "Actual",
    msg_type: str = "Alert",
    references: str = "",
    extra_header: str = "",
    infos: str | None = None,
) -> str:
    """A CAP alert; its infos default to English, Icelandic and Chinese ones."""
    refs = f"<references>{references}</references>" if references else ""
    body = MULTI_INFOS if infos is None else infos
    return (
        f'<alert xmlns="{ns}"><identifier>{identifier}</identifier><sender>{sender}</sender>'
        f"<sent>{sent}</sent><status>{status}</status><msgType>{msg_type}</msgType>"
        f"<scope>Public</scope>{extra_header}{refs}{body}</alert>"
    )


def info(
    *,
    language: str,
    event: str,
    headline: str,
    params: list[tuple[str, str]] = (),  # type: ignore[assignment]
    areas: str = "<area><areaDesc>Suðurland</areaDesc></area>",
    category: str = "Met",
    times: str = "",
) -> str:
    """One `<info>` block."""
    return (
        f"<info><language>{language}</language><category>{category}</category>"
        f"<event>{event}</event><urgency>Expected</urgency><severity>Severe</severity>"
        f"<certainty>Likely</certainty>{times}<headline>{headline}</headline>"
        f"<description>{headline}</description>{_pairs('parameter', list(params))}{areas}</info>"
    )


CIRCLE_AREA = (
    "<area><areaDesc>Vík og nágrenni</areaDesc>"
    "<polygon>63.40,-19.10 63.45,-19.00 63.38,-18.90 63.40,-19.10</polygon>"
    "<circle>63.4186,-19.0060 12.5</circle><circle>63.50,-18.50 3</circle>"
    + _pairs("geocode", [("FIPS6", "IC"), ("postnumer", "870"), ("postnumer", "871")])
    + "</area>"
)
MULTI_INFOS = (
    info(
        language="en-US",
        event="Severe Storm",
        headline="Severe storm on the south coast",
        params=[("VTEC", "a"), ("VTEC", "b"), ("wind_ms", "28")],
        areas=CIRCLE_AREA,
        times="<effective>2026-02-03T08:00:00-00:00</effective>"
        "<onset>2026-02-03T12:00:00-00:00</onset><expires>2026-02-04T00:00:00-00:00</expires>",
    )
    + info(
        language="is-IS",
        event="Óveður á Suðurlandi",
        headline="Óveður við suðurströndina",
        params=[("VTEC", "a"), ("VTEC", "b")],
        areas=CIRCLE_AREA,
    )
    + info(
        language="zh-CN",
        event="台风红色预警",
        headline="南部海岸强风暴",
        category="Infra",
        areas="<area><areaDesc>南部海岸</areaDesc>"
        "<polygon>63.40,-19.10 63.45,-19.00 63.38,-18.90 63.40,-19.10</polygon></area>",
    )
)

GEOCODES_36 = [(f"SAME{i % 3}", f"0{i:05d}") for i in range(34)] + [
    ("SAME0", "000000"),
    ("SAME0", "000000"),  # duplicates stay
]
MANY_GEOCODES = info(
    language="en-US",
    event="Flood Warning",
    headline="River flooding",
    params=[("EAS-ORG", "WXR"), ("EAS-ORG", "WXR"), ("baton:kind", "flood_warning")],
    areas="<area><areaDesc>Thirty-six counties</areaDesc>"
    + _pairs("geocode", GEOCODES_36)
    + "</area>",
    category="Geo",
)


def edxl(*alerts: str, distribution: str = "DIST-42") -> str:
    """An EDXL-DE 1.0 distribution carrying each alert in its own content object."""
    objects = "".join(
        "<contentObject><xmlContent><embeddedXMLContent>"
        f"{a}</embeddedXMLContent></xmlContent></contentObject>"
        for a in alerts
    )
    return (
        f'<EDXLDistribution xmlns="{EDXL}"><distributionID>{distribution}</distributionID>'
        "<senderID>hub@edxl.example</senderID><dateTimeSent>2026-02-03T08:01:00-00:00"
        "</dateTimeSent><distributionStatus>Actual</distributionStatus>"
        f"<distributionType>Report</distributionType>{objects}</EDXLDistribution>"
    )


def key_and_cert(cn: str = "Duty office test signer") -> tuple[rsa.RSAPrivateKey, bytes]:
    """A fresh RSA key and a self-signed certificate (PEM) valid 2000–2100."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    start = datetime(2000, 1, 1, tzinfo=UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365 * 100))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, cert.public_bytes(serialization.Encoding.PEM)


def sign(xml: str, key: rsa.RSAPrivateKey, cert_pem: bytes) -> bytes:
    """The alert with an enveloped XML-DSig signature (signxml), its certificate in KeyInfo."""
    from signxml import methods
    from signxml.signer import XMLSigner

    root = etree.fromstring(xml.encode())
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    signed = XMLSigner(method=methods.enveloped).sign(root, key=key_pem, cert=cert_pem.decode())
    return bytes(etree.tostring(signed))
