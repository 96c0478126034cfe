"""The peak memory of this process, as the kernel counts it (for the benchmarks' child processes)."""

from __future__ import annotations


def peak_rss_mb() -> int | None:
    """Peak resident set size of this process in MB, from ``VmHWM`` in /proc/self/status; None where absent.

    ``VmHWM`` belongs to the address space, so after ``exec`` it counts this program only - unlike the
    ``ru_maxrss`` a parent reads with ``wait4``, which for a child started with ``vfork`` (as Python's
    ``subprocess`` does) includes the parent's memory at the time of the ``exec``.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024  # kB
    except (OSError, ValueError, IndexError):
        return None
    return None


def children_peak_rss_mb() -> int | None:
    """Largest peak RSS in MB among the finished (waited-for) children of this process; None if there were none.

    For a child made by ``fork`` without ``exec`` (the import's parsing process) this counts the pages it
    still shares with this process as well, so adding it to :func:`peak_rss_mb` bounds the pair from above.
    """
    import resource

    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kB on Linux
    return peak // 1024 if peak else None
