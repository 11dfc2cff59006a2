"""`baton keys`: create signing (Ed25519) and transport (CURVE) key pairs, and trust files.

baton keys init DIR --role authority|console|station --name NAME
baton keys trust ROOT.sign.pub... -o TRUSTFILE
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from command.authority.errors import KeyFileError
from command.authority.keys import (
    TrustedRoot,
    check_name,
    create_signing_keypair,
    fingerprint,
    load_public_key,
    name_of,
    write_trust,
)
from protocols.certs import PUBLIC_SUFFIX, SECRET_SUFFIX, create_curve_keypair

ROLES = ("authority", "console", "station")


def register(subparsers: Any) -> None:
    """Add `baton keys` and its sub-commands."""
    parser = subparsers.add_parser("keys", help="create key pairs and trust files")
    sub = parser.add_subparsers(dest="keys_command", metavar="ACTION", required=True)

    init = sub.add_parser(
        "init",
        help="create NAME's key pairs in DIR",
        description="Write NAME.sign (secret, mode 0600) and NAME.sign.pub; consoles and "
        f"stations also get a CURVE pair NAME{PUBLIC_SUFFIX} / NAME{SECRET_SUFFIX}. "
        "Existing keys are never overwritten.",
    )
    init.add_argument("dir", type=Path, metavar="DIR")
    init.add_argument("--role", choices=ROLES, required=True)
    init.add_argument("--name", required=True)
    init.set_defaults(func=_init)

    trust = sub.add_parser(
        "trust",
        help="write a station's trust file from root authority public keys",
        description="Each ROOT.sign.pub names a root authority (its name is the file name).",
    )
    trust.add_argument("pubfiles", type=Path, nargs="+", metavar="ROOT.sign.pub")
    trust.add_argument("-o", "--output", type=Path, required=True, metavar="TRUSTFILE")
    trust.set_defaults(func=_trust)


def _init(args: argparse.Namespace) -> int:
    name = check_name(args.name)
    directory: Path = args.dir
    if args.role != "authority":
        # Refuse before writing anything, so a clash never leaves half a set of keys.
        for suffix in (PUBLIC_SUFFIX, SECRET_SUFFIX):
            path = directory / f"{name}{suffix}"
            if path.exists():
                raise KeyFileError(
                    f"{path} already exists: refusing to overwrite a key "
                    "(choose another name or dir)"
                )
    signing = create_signing_keypair(directory, name)
    pub = load_public_key(signing.public)
    print(f"{args.role} {name}: signing key {fingerprint(pub)}")
    print(f"  secret  {signing.secret}  (keep private, mode 600)")
    print(f"  public  {signing.public}")
    if args.role != "authority":
        curve = create_curve_keypair(directory, name)
        print(f"  transport (CURVE) secret  {curve.secret}")
        print(f"  transport (CURVE) public  {curve.public}")
    return 0


def _trust(args: argparse.Namespace) -> int:
    roots = [TrustedRoot(name_of(p), load_public_key(p)) for p in args.pubfiles]
    write_trust(args.output, roots)
    for root in roots:
        print(f"trusts {root.name} [{fingerprint(root.key)}]")
    print(f"wrote {args.output}")
    return 0
