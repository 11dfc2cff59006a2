"""The verification badge reads what `AuthorityBook.summary` writes, and plain name lists too."""

from __future__ import annotations

from ui.station.models import Authority, chain_names


def test_links_from_the_book_become_names_root_first() -> None:
    body = {
        "ok": True,
        "chain": [
            "Shanghai EOC [1a2b3c4d5e6f7a8b] → Huangpu district [99aa88bb77cc66dd]",
            "Huangpu district [99aa88bb77cc66dd] → chief-wang [0011223344556677]",
        ],
        "scope": "stations traffic_police; kinds close_lane; zones tunnel",
        "valid_until": 1_760_000_000.0,
    }
    auth = Authority.from_body(body)
    assert auth.chain == ("Shanghai EOC", "Huangpu district", "chief-wang")
    assert auth.links == tuple(body["chain"])  # kept for the tooltip
    assert auth.valid_until == 1_760_000_000.0


def test_plain_names_and_gaps() -> None:
    assert chain_names(("City EOC", "Pudong centre", "chief-wang")) == (
        "City EOC",
        "Pudong centre",
        "chief-wang",
    )
    assert chain_names(()) == ()
    assert chain_names(("a [x] → b [y]", "b → c")) == ("a", "b", "c")
    assert Authority.from_body(None).ok
    refused = Authority.from_body({"ok": False, "reason": "expired", "chain": []})
    assert not refused.ok and refused.reason == "expired" and refused.valid_until is None
