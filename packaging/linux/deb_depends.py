"""Compute the .deb's Depends: the Debian packages of every system library the bundle loads.

The bundle carries Python, Qt and the scientific libraries; the X11/xcb, font, GLib, D-Bus and
C++ runtime libraries come from the system (the spec leaves them out), as in any Debian package:
they get security updates, and they match the system's own configuration files (fontconfig).
This does what dpkg-shlibdeps does for a normal package: read every ELF file's DT_NEEDED,
drop the sonames the bundle carries, and ask dpkg which installed package provides each rest.
Qt also dlopen()s libraries no ELF names (EGL/GL for the xcb GL integration, libxkbcommon-x11,
the xcb-cursor family): those are listed by hand.

    python packaging/linux/deb_depends.py BUNDLE_DIR   ->  one line: "libc6 (>= 2.36), libegl1, ..."
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

#: loaded with dlopen() by Qt / the platform plugins, or required by the desktop integration
DLOPENED = ["libegl1", "libgl1", "libfontconfig1", "libxkbcommon0", "libxkbcommon-x11-0", "libxcb-cursor0",
            "libxcb-icccm4", "libxcb-keysyms1", "libdbus-1-3"]
LIBC_SONAMES = re.compile(r"^(libc|libm|libpthread|libdl|librt|libutil|libresolv|ld-linux[-\w]*)\.so")


def is_elf(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def needed(path: Path) -> list[str]:
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def system_paths() -> dict[str, str]:
    """soname -> path from the dynamic linker's cache (this architecture only)."""
    ldconfig = shutil.which("ldconfig") or next((p for p in ("/sbin/ldconfig", "/usr/sbin/ldconfig")
                                                 if os.path.exists(p)), "ldconfig")
    out = subprocess.run([ldconfig, "-p"], capture_output=True, text=True).stdout
    arch = "x86-64" if os.uname().machine == "x86_64" else os.uname().machine
    paths: dict[str, str] = {}
    for line in out.splitlines():
        m = re.match(r"\s*(\S+) \(([^)]*)\) => (\S+)", line)
        if m and (arch in m.group(2) or "64" not in m.group(2)):
            paths.setdefault(m.group(1), m.group(3))
    return paths


def package_of(path: str) -> str | None:
    for candidate in dict.fromkeys([path, os.path.realpath(path), path.replace("/usr/lib/", "/lib/"),
                                    path.replace("/lib/", "/usr/lib/", 1)]):
        r = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if r.returncode == 0:
            return r.stdout.split(":", 1)[0].strip()
    return None


def policy_name(soname: str) -> str:
    """Debian policy 8.1's package name for a soname (libfoo-bar.so.1 -> libfoo-bar1, libx11.so.6 ->
    libx11-6): the fallback for a library the build host does not have installed."""
    m = re.match(r"^(.+)\.so\.(\d+)", soname)
    if not m:
        return soname.lower()
    stem, major = m.group(1).lower(), m.group(2)
    return f"{stem}-{major}" if stem[-1].isdigit() else f"{stem}{major}"


def main(argv: list[str]) -> int:
    bundle = Path(argv[1])
    glibc = argv[2] if len(argv) > 2 else "2.36"
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p)]
    carried = {p.name for p in bundle.rglob("*")}
    wanted = sorted({n for f in files for n in needed(f)} - carried)
    paths = system_paths()
    packages, unknown = set(DLOPENED), []
    for soname in wanted:
        if LIBC_SONAMES.match(soname) or soname.startswith("libpython"):
            continue
        pkg = package_of(paths[soname]) if soname in paths else None
        if pkg is None:
            unknown.append(soname)
        else:
            packages.add(pkg)
    for soname in unknown:  # e.g. the xcb helpers Qt's xcb plugin links, on a headless build host
        print(f"deb_depends: warning: {soname} is not installed here; depending on {policy_name(soname)} "
              "(Debian's naming rule)", file=sys.stderr)
        packages.add(policy_name(soname))
    packages.discard("libc6")
    deps = []
    for pkg in sorted(packages):
        if pkg == "libsqlite3-0":  # the store's SQL was tested with the build host's SQLite: not older
            r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True)
            upstream = r.stdout.split("-")[0] if r.returncode == 0 else ""
            deps.append(f"{pkg} (>= {upstream})" if upstream else pkg)
        else:
            deps.append(pkg)
    print(", ".join([f"libc6 (>= {glibc})", *deps]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
