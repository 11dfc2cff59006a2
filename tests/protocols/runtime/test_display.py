"""The display check: which Debian packages a real window still needs (fake library lookups)."""

from __future__ import annotations

from protocols.runtime.display import (
    DISPLAY_LIBRARIES,
    display_packages_problem,
    missing_packages,
    needs_display_libraries,
)


def test_all_present_means_nothing_missing() -> None:
    assert missing_packages(lambda soname: True) == []


def test_missing_libraries_name_their_packages_in_order() -> None:
    gone = {"libxcb-cursor.so.0", "libEGL.so.1"}
    assert missing_packages(lambda soname: soname not in gone) == ["libxcb-cursor0", "libegl1"]


def test_one_line_with_the_apt_get_command() -> None:
    env = {"DISPLAY": ":0"}
    line = display_packages_problem(env, lambda s: s != "libxcb-cursor.so.0", platform="linux")
    assert line is not None and "\n" not in line
    assert "libxcb-cursor0" in line
    assert "apt-get install -y libxcb-cursor0" in line
    assert display_packages_problem(env, lambda s: True, platform="linux") is None


def test_only_a_real_display_needs_the_libraries() -> None:
    nothing = lambda soname: False  # noqa: E731
    assert needs_display_libraries({"DISPLAY": ":0"}, "linux")
    assert not needs_display_libraries({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not needs_display_libraries({}, "linux")
    assert not needs_display_libraries({"DISPLAY": ":0"}, "darwin")
    assert display_packages_problem({"QT_QPA_PLATFORM": "offscreen"}, nothing, "linux") is None
    line = display_packages_problem({"DISPLAY": ":1"}, nothing, "linux")
    assert line is not None
    assert all(package in line for package in DISPLAY_LIBRARIES.values())
