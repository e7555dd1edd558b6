"""Run one command and print its wall time, exit status and peak memory as JSON.

    python bench/peak.py CMD [ARG...]

On Linux a process's peak resident memory (``ru_maxrss``) starts from the memory of the
process it was started from: a benchmark runner that holds a 100 MB corpus would pass
that on to every command it measures. This small process starts the command instead, so
the figure ``os.wait4`` gives is the command's own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def main() -> None:
    start = time.perf_counter()
    proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    print(json.dumps({"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "status": proc.returncode}))


if __name__ == "__main__":
    main()
