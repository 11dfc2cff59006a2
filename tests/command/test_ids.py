"""`command.ids`: ULIDs carry the given time and increase within one millisecond."""

from __future__ import annotations

from ulid import ULID

from command.ids import new_id, short_id


def test_new_id_carries_the_time_in_milliseconds() -> None:
    assert ULID.from_str(new_id(1_760_000_000.1234)).milliseconds == 1_760_000_000_123


def test_ids_of_one_millisecond_still_sort_in_the_order_they_were_made() -> None:
    ids = [new_id(1_760_000_000.5) for _ in range(500)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_short_id_is_the_random_tail() -> None:
    full = new_id(1_760_000_000.0)
    assert short_id(full) == full[-6:] and short_id("abc") == "abc"
