"""A real mosquitto broker for tests, on free loopback ports, stopped afterwards.

`running_broker(tmp)` writes a mosquitto.conf with three listeners on 127.0.0.1: anonymous,
user/password (a password file made by mosquitto_passwd) and TLS (a CA and a server
certificate for 127.0.0.1/localhost made with `cryptography`), starts `mosquitto -c`, waits
until every port accepts connections and stops the process (terminate, then kill) on exit.
`MOSQUITTO` is None when the binary is missing, so tests can skip with a reason.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import ipaddress
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.system.world import free_port
from tests.waiting import wait_for

MOSQUITTO = shutil.which("mosquitto") or (
    "/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").is_file() else None
)
MOSQUITTO_PASSWD = shutil.which("mosquitto_passwd")
SKIP_REASON = "the mosquitto broker is not installed (apt-get install mosquitto; .ci/run does)"
USER = "iot_platform"
PASSWORD = "s3cret-p@ss word"


@dataclass(frozen=True)
class Broker:
    """Where the test broker listens."""

    port: int  # anonymous
    auth_port: int  # USER / PASSWORD only
    tls_port: int  # TLS, anonymous, server certificate signed by `ca_file`
    ca_file: Path
    log: Path
    host: str = "127.0.0.1"


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def write_tls_files(folder: Path) -> tuple[Path, Path, Path]:
    """A self-signed CA and a server certificate for 127.0.0.1: (ca, cert, key) files."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("baton test CA"))
        .issuer_name(_name("baton test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_file, cert_file, key_file


def _accepts(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def running_broker(folder: Path) -> Iterator[Broker]:
    """Start mosquitto with the three listeners under `folder`; stop it on exit."""
    assert MOSQUITTO is not None and MOSQUITTO_PASSWD is not None, SKIP_REASON
    folder.mkdir(parents=True, exist_ok=True)
    passwords = folder / "passwd"
    subprocess.run(
        [MOSQUITTO_PASSWD, "-b", "-c", str(passwords), USER, PASSWORD],
        check=True,
        capture_output=True,
        timeout=10,
    )
    ca_file, cert_file, key_file = write_tls_files(folder)
    port, auth_port, tls_port = free_port(), free_port(), free_port()
    log = folder / "mosquitto.log"
    conf = folder / "mosquitto.conf"
    conf.write_text(
        "\n".join(
            [
                f"user {getpass.getuser()}",  # as root: keep root, so it reads these files
                "persistence false",
                f"log_dest file {log}",
                "log_type all",
                "per_listener_settings true",
                f"listener {port} 127.0.0.1",
                "allow_anonymous true",
                f"listener {auth_port} 127.0.0.1",
                "allow_anonymous false",
                f"password_file {passwords}",
                f"listener {tls_port} 127.0.0.1",
                "allow_anonymous true",
                f"cafile {ca_file}",
                f"certfile {cert_file}",
                f"keyfile {key_file}",
                "",
            ]
        ),
        encoding="utf-8",
    )
    with (folder / "mosquitto.stderr").open("wb") as stderr:
        proc = subprocess.Popen(
            [MOSQUITTO, "-c", str(conf)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:

        def ready() -> bool:
            if proc.poll() is not None:
                err = (folder / "mosquitto.stderr").read_text(errors="replace")
                logged = log.read_text(errors="replace") if log.exists() else ""
                raise AssertionError(f"mosquitto exited {proc.returncode}: {err}{logged}")
            return all(_accepts(p) for p in (port, auth_port, tls_port))

        wait_for(ready, timeout=10, message="mosquitto listening")
        yield Broker(port, auth_port, tls_port, ca_file, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
