"""`make bench`: run every bench/bench_*.py in turn; each prints its own figures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = 0
    scripts = sorted(HERE.glob("bench_*.py")) + sorted(HERE.glob("*_bench.py"))
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        failed |= subprocess.call([sys.executable, str(script), *sys.argv[1:]], cwd=HERE.parent)
    return failed


if __name__ == "__main__":
    sys.exit(main())
