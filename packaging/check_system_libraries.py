"""List the system libraries the bundle loads and check that the .deb's Depends cover them.

PyInstaller copies most libraries into the bundle but leaves out a few on purpose (glibc,
GL/EGL, libxcb ...). This script runs ``ldd`` on every ELF file in the bundle, with the
library path the frozen app uses, and prints each library found outside the bundle, the
Debian package that ships it (``dpkg -S``), and whether ``Depends`` pulls that package in,
directly or through the dependencies of the packages it names (``dpkg-query``)::

    python3 packaging/check_system_libraries.py packaging/out/dist/rnn-studio "$DEB_DEPENDS"

Exit status 1 if a library is not found at all or its package is not covered.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

LDD_LINE = re.compile(r"^\s*(\S+)\s+=>\s+(not found|\S+)")


def elf_files(bundle: Path) -> list[Path]:
    """Every ELF file under ``bundle`` (symlinks skipped: their targets are listed anyway)."""
    found = []
    for path in sorted(bundle.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as stream:
                if stream.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def system_libraries(bundle: Path) -> tuple[dict[str, str], set[str]]:
    """Return ({soname: path outside the bundle}, {sonames not found anywhere})."""
    internal = bundle / "_internal"
    environment = dict(os.environ, LD_LIBRARY_PATH=f"{internal}:{internal / 'PySide6/Qt/lib'}")
    outside: dict[str, str] = {}
    missing: set[str] = set()
    root = str(bundle.resolve())
    for path in elf_files(bundle):
        listing = subprocess.run(
            ["ldd", str(path)], capture_output=True, text=True, env=environment
        ).stdout
        for line in listing.splitlines():
            match = LDD_LINE.match(line)
            if not match:
                continue
            name, where = match.groups()
            if where == "not found":
                missing.add(name)
            elif not os.path.realpath(where).startswith(root):
                outside[name] = where
    return outside, missing


def owning_package(path: str) -> str | None:
    """The installed Debian package that ships ``path`` (merged-/usr aware), or None."""
    candidates = {path, os.path.realpath(path)}
    candidates |= {p.removeprefix("/usr") for p in list(candidates) if p.startswith("/usr/")}
    candidates |= {"/usr" + p for p in list(candidates) if not p.startswith("/usr/")}
    for candidate in sorted(candidates):
        result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if result.returncode == 0:
            return result.stdout.split(":")[0].strip()
    return None


def _package_names(relation: str) -> list[str]:
    """Package names in a Depends field, every alternative included, versions dropped."""
    names = []
    for alternative in re.split(r"[,|]", relation):
        name = alternative.strip().split(" ")[0].split(":")[0]
        if name:
            names.append(name)
    return names


def dependency_closure(depends: str) -> dict[str, str]:
    """{package: the Depends entry that brings it in} over installed packages."""
    brought_by: dict[str, str] = {}
    pending = [(name, name) for name in _package_names(depends)]
    while pending:
        package, root = pending.pop()
        if package in brought_by:
            continue
        brought_by[package] = root
        fields = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Depends}, ${Pre-Depends}", package],
            capture_output=True,
            text=True,
        ).stdout
        pending += [(name, root) for name in _package_names(fields)]
    brought_by.update({name: name for name in _package_names(depends)})  # listed wins
    return brought_by


def main(argv: list[str]) -> int:
    """Print the table and return 1 if anything is missing or not covered."""
    if len(argv) != 3:
        print(f"usage: {argv[0]} BUNDLE_DIR 'DEPENDS'", file=sys.stderr)
        return 2
    bundle, depends = Path(argv[1]), argv[2]
    outside, missing = system_libraries(bundle)
    closure = dependency_closure(depends)
    problems = 0
    print(f"{'system library':28} {'package':22} covered by Depends")
    for name, path in sorted(outside.items()):
        package = owning_package(path)
        if package is None:
            verdict, problems = "NOT COVERED: no package owns it", problems + 1
        elif package not in closure:
            verdict, problems = "NOT COVERED", problems + 1
        elif closure[package] == package:
            verdict = "yes (listed)"
        else:
            verdict = f"yes (via {closure[package]})"
        print(f"{name:28} {package or '?':22} {verdict}")
    for name in sorted(missing):
        problems += 1
        print(f"{name:28} {'?':22} NOT FOUND on this machine")
    print(f"{len(outside)} system libraries, {len(missing)} missing, {problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
