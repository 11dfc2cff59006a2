"""Which Debian packages a real display still needs before Qt can open a window.

Qt's xcb platform plugin loads these shared libraries when a window opens; without one of them
it aborts the whole process (exit 134, "Reinstalling the application may fix this problem").
`missing_packages` names the packages whose library is missing, from any library lookup (tests
pass a fake one); `display_packages_problem` turns them into one line with the apt-get command.
`python -m protocols.runtime.display` prints that line and exits 1 (used by `make demo`).
"""

from __future__ import annotations

import ctypes.util
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping

# shared library (soname) -> the Debian package that ships it
DISPLAY_LIBRARIES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
}

# platforms that never open an X11/Wayland window (no xcb libraries needed)
NO_WINDOW_PLATFORMS = ("offscreen", "minimal", "vnc", "eglfs", "linuxfb")


def missing_packages(
    has_library: Callable[[str], bool], libraries: Mapping[str, str] = DISPLAY_LIBRARIES
) -> list[str]:
    """The Debian packages (in table order, once each) whose shared library is not found."""
    missing: list[str] = []
    for soname, package in libraries.items():
        if not has_library(soname) and package not in missing:
            missing.append(package)
    return missing


def apt_line(packages: Iterable[str]) -> str:
    """One line naming the missing packages and the command that installs them."""
    names = " ".join(packages)
    return (
        f"the display needs Debian packages that are missing: {names}; "
        f"install them with: sudo apt-get install -y {names}"
    )


def needs_display_libraries(env: Mapping[str, str], platform: str = sys.platform) -> bool:
    """True when Qt would open a real X11 window here (Linux, DISPLAY set, not offscreen)."""
    qpa = env.get("QT_QPA_PLATFORM", "").split(":")[0]
    if not platform.startswith("linux") or qpa in NO_WINDOW_PLATFORMS:
        return False
    return bool(env.get("DISPLAY")) and qpa in ("", "xcb")


def display_packages_problem(
    env: Mapping[str, str],
    has_library: Callable[[str], bool] | None = None,
    platform: str = sys.platform,
) -> str | None:
    """The one line to print when a window would open without its libraries, else None."""
    if not needs_display_libraries(env, platform):
        return None
    missing = missing_packages(has_library or system_library_lookup())
    return apt_line(missing) if missing else None


def system_library_lookup() -> Callable[[str], bool]:
    """A lookup by soname over `ldconfig -p` (falling back to ctypes.util.find_library)."""
    known: set[str] = set()
    try:
        listing = subprocess.run(
            ["ldconfig", "-p"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        listing = ""
    for line in listing.splitlines():
        name = line.strip().split(" ", 1)[0]
        if ".so" in name:
            known.add(name)

    def has(soname: str) -> bool:
        if soname in known:
            return True
        if known:
            return False
        stem = soname.removeprefix("lib").split(".so", 1)[0]
        return ctypes.util.find_library(stem) == soname

    return has


def main() -> int:
    """Print the missing packages' apt-get line and exit 1, or exit 0 quietly."""
    problem = display_packages_problem(os.environ)
    if problem:
        print(f"baton demo: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
