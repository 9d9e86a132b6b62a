"""Set up and run QME Programme Office with nothing but Python 3.11+ and git.

    python3 dev.py demo     install everything, then serve the demo at http://127.0.0.1:8000
    python3 dev.py test     install everything, then run the whole test suite
    python3 dev.py bench    install everything, then run the national-scale benchmark (bench/)

It installs uv (into .venv-tools/ when it is not on the PATH), lets uv create .venv from
uv.lock, and then runs the `qme` command or pytest inside it. Extra arguments are passed on.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
TOOLS = ROOT / ".venv-tools"


def find_uv() -> str:
    found = shutil.which("uv")
    if found:
        return found
    bindir = TOOLS / ("Scripts" if os.name == "nt" else "bin")
    uv = bindir / ("uv.exe" if os.name == "nt" else "uv")
    if not uv.exists():
        print("Installing uv into .venv-tools/ …", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(TOOLS)
        python = bindir / ("python.exe" if os.name == "nt" else "python")
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "uv"], check=True)
    return str(uv)


def main() -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - tell users of an older Python why
        print("QME Programme Office needs Python 3.11 or newer.", file=sys.stderr)
        return 2
    command, extra = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("demo", [])
    uv = find_uv()
    subprocess.run([uv, "sync", "--frozen", "--quiet", "--compile-bytecode"], cwd=ROOT, check=True)
    if command == "demo":
        run = [uv, "run", "--frozen", "qme", "demo", *extra]
    elif command == "test":
        # One test process per core (pytest-xdist); QME_TEST_WORKERS=0 runs them in one process.
        workers = os.environ.get("QME_TEST_WORKERS", "auto")
        run = [uv, "run", "--frozen", "pytest", "-n", workers, *extra]
    elif command == "bench":
        run = [uv, "run", "--frozen", "python", "bench/run.py", *extra]
    else:
        print(__doc__)
        return 2
    try:
        return subprocess.run(run, cwd=ROOT).returncode
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
