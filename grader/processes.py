"""The process tree of a case, as the kernel accounts it: descendants, resident memory, and a kill that leaves
nothing behind. Read from /proc on Linux, from `ps` where there is no /proc (macOS), never from the process
itself (the child cannot fake either)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess


def _table() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, resident bytes) of every process this user can see."""
    out: dict[int, tuple[int, int]] = {}
    if os.path.isdir("/proc/self"):
        page = os.sysconf("SC_PAGE_SIZE")
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    stat = f.read().decode(errors="replace")
                # subtle: the command name in parentheses may itself contain spaces and parentheses
                fields = stat.rsplit(")", 1)[1].split()
                out[int(entry)] = (int(fields[1]), int(fields[21]) * page)
            except (OSError, IndexError, ValueError):
                continue
        return out
    try:
        text = subprocess.run(["ps", "-A", "-o", "pid=,ppid=,rss="], capture_output=True, text=True,
                              timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return out
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            out[int(parts[0])] = (int(parts[1]), int(parts[2]) * 1024)  # ps reports kilobytes
    return out


def _descendants(pid: int, table: dict[int, tuple[int, int]]) -> list[int]:
    children: dict[int, list[int]] = {}
    for p, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(p)
    out, stack = [], [pid]
    while stack:
        for c in children.get(stack.pop(), []):
            out.append(c)
            stack.append(c)
    return out


def descendants(pid: int) -> list[int]:
    """Every live descendant of `pid` (a process group kill misses setsid children)."""
    return _descendants(pid, _table())


def tree_rss(pid: int, exclude: frozenset[int] = frozenset()) -> int:
    """Resident memory of a process and its descendants, in bytes, leaving out the processes in `exclude`."""
    table = _table()
    return sum(table[p][1] for p in (pid, *_descendants(pid, table)) if p in table and p not in exclude)


def memory_message(rss: int, max_rss: int) -> str:
    """The one wording of a memory kill, whichever side of the sandbox made it."""
    return f"killed: resident memory {rss / 2**30:.1f} GB exceeds the {max_rss / 2**30:.1f} GB limit"


def _cpu_table() -> dict[int, tuple[int, int, int]]:
    """pid -> (parent pid, own CPU ticks, reaped children's CPU ticks), from /proc; empty without it."""
    out: dict[int, tuple[int, int, int]] = {}
    if not os.path.isdir("/proc/self"):
        return out
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().decode(errors="replace").rsplit(")", 1)[1].split()
            # utime, stime, then cutime, cstime: a reaped child's time (its own and its reaped children's)
            # moves into its parent's cutime and cstime
            out[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14]))
        except (OSError, IndexError, ValueError):
            continue
    return out


def cpu_below(pid: int) -> float | None:
    """CPU seconds (user + system) the kernel has accounted to the descendants of `pid`, live and reaped, and
    not to `pid` itself: read from host /proc, so nothing the processes do can rewrite it. None without /proc.
    Exact while no process below `pid` is being reaped by another: read it when the tree below is idle."""
    table = _cpu_table()
    if pid not in table:
        return None
    live = _descendants(pid, {p: (v[0], 0) for p, v in table.items()})
    return (table[pid][2] + sum(table[p][1] + table[p][2] for p in live if p in table)) / os.sysconf("SC_CLK_TCK")


def host_pid(root: int, own_pid: int) -> int | None:
    """The pid on this machine of the process in `root`'s tree that calls itself `own_pid` (the zygote's hello:
    under bwrap a namespace pid), from the last field of /proc/<pid>/status NSpid. None where it is not in the
    tree (a container's processes belong to the runtime, not to its client) or there is no /proc."""
    for pid in (root, *descendants(root)):
        try:
            with open(f"/proc/{pid}/status") as f:
                nspid = next((line.split()[1:] for line in f if line.startswith("NSpid:")), [])
        except OSError:
            continue
        if nspid and nspid[-1] == str(own_pid):
            return pid
    return None


def kill_descendants(pid: int) -> None:
    """SIGKILL every descendant of `pid` (the zygote clearing the way for a timed case), `pid` itself spared."""
    _freeze_and_kill(pid, include_self=False)


def kill_tree(pid: int) -> None:
    """SIGKILL a process and every descendant. Freeze first, walking until no new process appears: a stopped
    process cannot fork, and the frozen tree keeps every orphan's adoptive parent (the subreaper) alive, so
    nothing forked during the walk escapes. Where orphans cannot be kept in the tree (no subreaper outside
    Linux), the process group is killed too."""
    _freeze_and_kill(pid, include_self=True)


def _freeze_and_kill(pid: int, include_self: bool) -> None:
    frozen: set[int] = set()
    while True:
        new = ({pid} if include_self else set()) | set(descendants(pid))
        new -= frozen
        if not new:
            break
        for v in new:
            with contextlib.suppress(ProcessLookupError):
                os.kill(v, signal.SIGSTOP)
        frozen |= new
    if include_self:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)  # the child leads its own group (setpgid or start_new_session)
    for v in frozen:
        with contextlib.suppress(ProcessLookupError):
            os.kill(v, signal.SIGKILL)
