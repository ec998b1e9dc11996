"""The peak resident memory of the running process, for benchmarks that run each
method in a fresh child process."""

from __future__ import annotations

import resource


def peak_mib() -> float:
    """This process's peak RSS. Linux's VmHWM starts afresh at exec; ru_maxrss would
    carry over the peak of the (much larger) process that started this one."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
