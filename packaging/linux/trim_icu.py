"""Shrink the ICU data library Qt brings (libicudata.so.NN, ~31 MB) to what y90gui can use (~5 MB).

Why: the PySide6 wheel links Qt against ICU, whose data library carries every locale of the
world, legacy code pages, CJK/Thai/Khmer word dictionaries and transliteration rules, a ninth
of the whole bundle. Qt uses ICU here for locale-aware collation (sorting patient names) and
case/normalisation data; y90gui reads files with Python, not with Qt's ICU codecs. ICU falls
back to the root locale for any locale whose data is absent (U_USING_DEFAULT_WARNING, not an
error), so removing locales only changes tailoring, never breaks a call.

How: the data is one "common data" package (ICU's ToC format: header, item count, sorted
(name offset, data offset) pairs, names, 16-byte aligned items) behind the exported symbol
`icudtNN_dat`. This script reads it from the library, keeps the items below, writes a new
package and links a new library with the same soname exporting the same symbol, using `as`
and `ld` from binutils (already required by PyInstaller on Linux). Without binutils it leaves
the library alone and says so.

    python packaging/linux/trim_icu.py BUNDLE_DIR
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

#: languages whose collation/names stay (European clinics); others fall back to root
KEEP_LANGUAGES = {"en", "de", "fr", "it", "es", "nl", "pt", "sv", "da", "nb", "nn", "no", "fi", "pl", "cs", "el"}
#: whole categories Qt never asks for in this app
DROP_TREES = {"translit"}
DROP_SUFFIXES = (".cnv", ".dict")  # legacy code pages (Python decodes files); CJK/SE-Asian word dictionaries
LOCALE = re.compile(r"^([a-z]{2,3})(_\w*)*$")
ALWAYS = {"root", "pool", "res_index"}


def keep(name: str) -> bool:
    """`name` is an item path inside the package, e.g. 'icudt73l/coll/de.res'."""
    parts = name.split("/")[1:]
    if parts and parts[0] in DROP_TREES:
        return False
    if name.endswith(DROP_SUFFIXES):
        return False
    stem = parts[-1].rsplit(".", 1)[0]
    if not name.endswith(".res") or stem in ALWAYS:
        return True
    m = LOCALE.match(stem)
    return m is None or m.group(1) in KEEP_LANGUAGES


def symbol(lib: Path) -> tuple[str, int, int]:
    """(name, file offset, size) of the exported icudtNN_dat symbol."""
    nm = subprocess.run(["nm", "-D", "-S", "--defined-only", str(lib)], capture_output=True, text=True, check=True)
    for line in nm.stdout.splitlines():
        fields = line.split()
        if len(fields) == 4 and re.fullmatch(r"icudt\d+_dat", fields[3]):
            vaddr, size = int(fields[0], 16), int(fields[1], 16)
            break
    else:
        raise ValueError(f"{lib.name}: no icudtNN_dat symbol")
    # virtual address -> file offset through the LOAD segment that holds it
    ph = subprocess.run(["readelf", "-lW", str(lib)], capture_output=True, text=True, check=True).stdout
    for line in ph.splitlines():
        f = line.split()
        if f and f[0] == "LOAD":
            offset, seg_vaddr, filesz = int(f[1], 16), int(f[2], 16), int(f[4], 16)
            if seg_vaddr <= vaddr < seg_vaddr + filesz:
                return fields[3], vaddr - seg_vaddr + offset, size
    raise ValueError(f"{lib.name}: symbol outside every LOAD segment")


def read_package(blob: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    header_size = struct.unpack_from("<H", blob, 0)[0]
    if blob[2:4] != b"\xda\x27" or blob[12:16] != b"CmnD":
        raise ValueError("not an ICU common data package")
    count = struct.unpack_from("<I", blob, header_size)[0]
    toc = [struct.unpack_from("<II", blob, header_size + 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_off, data_off) in enumerate(toc):
        start = header_size + name_off
        name = blob[start:blob.index(b"\0", start)].decode("ascii")
        end = toc[i + 1][1] if i + 1 < count else len(blob) - header_size
        items.append((name, blob[header_size + data_off:header_size + end]))
    return blob[:header_size], items


def write_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """Same layout icupkg writes: offsets relative to the ToC, names then items, 16-byte aligned."""
    names = b"".join(n.encode("ascii") + b"\0" for n, _ in items)
    toc_len = 4 + 8 * len(items)
    names_start = toc_len
    data_start = (names_start + len(names) + 15) & ~15
    entries, body, name_off, data_off = [], b"", names_start, data_start
    for name, data in items:
        entries.append(struct.pack("<II", name_off, data_off))
        name_off += len(name) + 1
        padded = data + b"\0" * (-len(data) % 16)
        body += padded
        data_off += len(padded)
    toc = struct.pack("<I", len(items)) + b"".join(entries) + names
    toc += b"\0" * (data_start - len(toc))
    return header + toc + body


def trim(lib: Path) -> tuple[int, int]:
    if not (shutil.which("as") and shutil.which("ld") and shutil.which("nm") and shutil.which("readelf")):
        print("trim_icu: binutils (as, ld, nm, readelf) not found; ICU data left whole (+~25 MB)")
        return lib.stat().st_size, lib.stat().st_size
    sym, offset, size = symbol(lib)
    blob = lib.read_bytes()[offset:offset + size]
    header, items = read_package(blob)
    kept = [(n, d) for n, d in items if keep(n)]
    new = write_package(header, kept)
    if read_package(new)[1] != kept:  # the writer must round-trip before a library is replaced
        raise AssertionError("rewritten ICU package does not read back identically")
    soname = lib.name
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        (t / "icudt.dat").write_bytes(new)
        (t / "icudt.s").write_text(
            "\t.section .rodata\n\t.balign 16\n"
            f"\t.globl {sym}\n\t.type {sym}, @object\n{sym}:\n"
            '\t.incbin "icudt.dat"\n'
            f"\t.size {sym}, . - {sym}\n"
            '\t.section .note.GNU-stack,"",@progbits\n', encoding="ascii")
        subprocess.run(["as", "-o", "icudt.o", "icudt.s"], cwd=t, check=True)
        subprocess.run(["ld", "-shared", "-soname", soname, "-z", "noexecstack", "-o", soname, "icudt.o"],
                       cwd=t, check=True)
        before = lib.stat().st_size
        shutil.copyfile(t / soname, lib)
    print(f"trim_icu: {lib.name}: {len(kept)} of {len(items)} items kept, "
          f"{before / 1e6:.1f} MB -> {lib.stat().st_size / 1e6:.1f} MB")
    return before, lib.stat().st_size


def main(argv: list[str]) -> int:
    bundle = Path(argv[1])
    libs = [p for p in bundle.rglob("libicudata.so.*") if p.is_file() and not p.is_symlink()]
    if not libs:
        print("trim_icu: no libicudata in the bundle (nothing to do)")
    for lib in libs:
        trim(lib)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
