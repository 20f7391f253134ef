"""Async vs Threads, in your own CPython: the twin of the playground's experiments.

The playground (a Rust/WebAssembly page) runs each experiment in the browser; this file runs
the same experiment in the CPython that runs it, each strategy written the Python way, and
writes the page's export format, so the page can show CPython's runs beside the browser's.
Standard library only, Python 3.9 or later. Run it with the CPython you want to measure:

    python3 async_vs_threads.py                  # the experiment below, every strategy
    python3 async_vs_threads.py 'workload=cpu&tasks=8&cpu_ms=50' --strategies sequential,processes
    python3 async_vs_threads.py --demos          # the demos and the claims' own measurements
    python3 async_vs_threads.py --claims         # the claims report, judged in this CPython
    python3 async_vs_threads.py --same-units 3   # the page's kernel units: the page's checksums

then open the page, Import, and choose the file it wrote (async-vs-threads-cpython.json).

The experiment's work has the same bits as the page: each task's waits (their seeded jitter)
and computations (the page's kernel), and the checksums that prove which work was done. A
wait's checksum is the same here, in every browser and in the page's native build; so is a
kernel's for the same units. CPython runs the kernel about 100 times slower than wasm, so the
twin measures its own units per millisecond and `cpu_ms` means the same time here as there.
"""

import argparse
import asyncio
import collections
import contextlib
import inspect
import itertools
import json
import math
import multiprocessing
import os
import platform
import queue
import re
import struct
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed

# The experiment this file runs when given none: the page writes these three lines when it
# offers the file (its link, its kernel's units per ms, its browser).
QUERY = "v=1&workload=io&tasks=50&io_ms=100&cpu_ms=20&jitter=none&rounds=1&threads=2&yield_every_ms=5&switch_ms=5&seed=1&strategy=async"
PAGE_UNITS_PER_MS = None
PAGE_BROWSER = None

MASK = (1 << 64) - 1

# The experiment's link, read with the page's rules (`model::experiment::url` and `params`):
# the same keys, aliases, bounds and messages. Held to tests/fixtures/queries.txt, which the
# page's codec is held to too.

VERSION = 1
FIELDS = ("workload", "tasks", "io_ms", "cpu_ms", "jitter", "waits", "rounds", "threads",
          "yield_every_ms", "switch_ms", "seed", "strategy")
DEFAULTS = {"workload": "io", "tasks": "50", "io_ms": "100", "cpu_ms": "20", "jitter": "none",
            "waits": "awaited", "rounds": "1", "threads": "2", "yield_every_ms": "5",
            "switch_ms": "5", "seed": "1", "strategy": "async"}
BOUNDS = {"tasks": (1, 1_000_000), "io_ms": (0, 10_000), "cpu_ms": (0, 2_000),
          "rounds": (1, 100), "threads": (1, 128), "yield_every_ms": (0, 1_000),
          "switch_ms": (1, 100), "seed": (0, 2**32 - 1)}
WORKLOADS = ("io", "cpu", "mixed")
WAITS = ("awaited", "blocking")
STRATEGIES = ("sequential", "async", "threads", "gil", "executor", "processes")
ALIASES = {"yield_ms": "yield_every_ms", "yield": "yield_every_ms", "n": "tasks",
           "count": "tasks", "io": "io_ms", "cpu": "cpu_ms",
           "switchinterval": "switch_ms", "switch_interval": "switch_ms"}
TASKS_MAX_CPU = 10_000
CPU_BUDGET_MS = 60_000
THREADS_MAX = 128
JITTER_PCT_MAX = 100
_RUST_FLOAT = re.compile(
    r"[+-]?(?:inf|infinity|nan|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?)", re.IGNORECASE)
_RUST_UNSIGNED = re.compile(r"\+?[0-9]+")
_RUST_WHITESPACE = " \t\n\x0b\x0c\r\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004" \
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


def _trim(s):
    """Rust's `str::trim`: Unicode's White_Space, which is not quite `str.strip`'s."""
    return s.strip(_RUST_WHITESPACE)


def _clip(s):
    """A value quoted in a message: at most 40 characters."""
    return s if len(s) <= 40 else s[:40] + "\u2026"


def _count(n):
    return f"{n:,}"


def _unsigned(text, bits):
    """Rust's `parse::<u32>()` or `u64`: digits with an optional `+`, in range; else None."""
    if not _RUST_UNSIGNED.fullmatch(text):
        return None
    n = int(text)
    return n if n < 1 << bits else None


def _parse_number(t):
    if not t:
        raise ValueError("is empty: enter a number")
    cleaned = t.replace("_", "").replace(",", "")
    if _RUST_FLOAT.fullmatch(cleaned):
        n = float(cleaned)
        if math.isfinite(n):
            return n
    raise ValueError(f"\u201c{_clip(t)}\u201d is not a number")


def _parse_jitter(t):
    if t in ("none", ""):
        return None
    if t in ("tail", "exp", "exponential"):
        return "tail"
    if not t.startswith("uniform"):
        raise ValueError(f"unknown jitter \u201c{_clip(t)}\u201d: choose none, uniform:PCT or tail")
    pct = t[len("uniform:"):] if t.startswith("uniform:") else t[len("uniform"):]
    n = _unsigned(_trim(pct), 64)
    if n is None:
        raise ValueError(f"\u201c{_clip(pct)}\u201d is not a whole percentage")
    if n > JITTER_PCT_MAX:
        raise ValueError(f"uniform jitter must be 0% to {JITTER_PCT_MAX}%")
    return ("uniform", n)


def parse_field(key, text):
    """One field's value from its text, or ValueError with the page's message."""
    t = _trim(text)
    if key == "workload":
        if t not in WORKLOADS:
            raise ValueError(f"unknown workload \u201c{_clip(t)}\u201d: choose io, cpu or mixed")
        return t
    if key == "strategy":
        if t not in STRATEGIES:
            raise ValueError(f"unknown strategy \u201c{_clip(t)}\u201d: choose {', '.join(STRATEGIES)}")
        return t
    if key == "jitter":
        return _parse_jitter(t)
    if key == "waits":
        if t not in WAITS:
            raise ValueError(f"unknown waits \u201c{_clip(t)}\u201d: choose awaited or blocking")
        return t
    lo, hi = BOUNDS[key]
    n = _parse_number(t)
    if n < lo or n > hi:
        raise ValueError(f"must be from {_count(lo)} to {_count(hi)}")
    if n != math.floor(n):
        raise ValueError("must be a whole number")
    return int(n)


def jitter_key(jitter):
    return "none" if jitter is None else "tail" if jitter == "tail" else f"uniform:{jitter[1]}"


def _unescape(s):
    data, out, i = s.encode("utf-8"), bytearray(), 0
    while i < len(data):
        b = data[i]
        if b == ord("+"):
            out.append(ord(" "))
        elif b == ord("%") and i + 2 < len(data) and all(
                chr(c) in "0123456789abcdefABCDEF" for c in data[i + 1:i + 3]):
            out.append(int(data[i + 1:i + 3], 16))
            i += 2
        else:
            out.append(b)
        i += 1
    return out.decode("utf-8", "replace")


def _escape(s):
    keep = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~:")
    return "".join(chr(b) if b in keep else f"%{b:02X}" for b in s.encode("utf-8"))


def _flag(key, value, notices):
    v = _trim(value)
    if v in ("", "1", "true"):
        return True
    if v not in ("0", "false"):
        notices.append(f"{key}={_clip(v)} is not 1 or 0; read as {key}=0.")
    return False


def decode(query):
    """A link's experiment as the page reads it: (params, pool, notices, errors). A value the
    page would not take is named in `notices` and replaced by its default; `errors` are the
    rules across fields (then the experiment may not run)."""
    texts, notices, pool = dict(DEFAULTS), [], None
    for pair in query[1:].split("&") if query.startswith("?") else query.split("&"):
        if not pair:
            continue
        key, _, value = pair.partition("=")
        key, value = _unescape(key), _unescape(value)
        if key in ("embed", "autorun", "sweeps"):
            _flag(key, value, notices)
        elif key == "theme":
            if _trim(value) not in ("light", "dark"):
                notices.append(f"theme={_clip(_trim(value))} is neither light nor dark; "
                               "following the page's colour scheme.")
        elif key == "v":
            v = _unsigned(value, 32)
            if v is None:
                notices.append(f"The link's version \u201c{_clip(value)}\u201d is not a number; "
                               f"read it as v={VERSION}.")
            elif v > VERSION:
                notices.append(f"This link was made by a newer version (v={v}); settings this "
                               "version does not know were ignored.")
        elif key == "pool":
            n = _unsigned(_trim(value), 32)
            if n is not None and 1 <= n <= THREADS_MAX:
                pool = n
            else:
                notices.append(f"pool={_clip(value)} is not a pool size from 1 to {THREADS_MAX}; "
                               "using this device's core count.")
        elif ALIASES.get(key, key) in FIELDS:
            field = ALIASES.get(key, key)
            try:
                parse_field(field, value)
                texts[field] = _trim(value)
            except ValueError as bad:
                notices.append(f"{field}={_clip(value)}: {bad}; using the default, "
                               f"{DEFAULTS[field]}.")
    params = {f: parse_field(f, texts[f]) for f in FIELDS}
    return params, pool, notices, validate(params)


def validate(params):
    """The rules across fields, as the page's `Params::validate`."""
    errors, workload = [], params["workload"]
    most = 1_000_000 if workload == "io" else TASKS_MAX_CPU
    if params["tasks"] > most:
        errors.append(f"{workload} workloads allow at most {_count(most)} tasks")
    if workload in ("cpu", "mixed"):
        rounds = params["rounds"] if workload == "mixed" else 1
        total = params["tasks"] * rounds * params["cpu_ms"]
        if total > CPU_BUDGET_MS:
            errors.append(f"tasks \u00d7 rounds \u00d7 cpu_ms = {_count(total)} ms of CPU work, "
                          f"over the {_count(CPU_BUDGET_MS)} ms budget per run")
    return errors


def encode(params, pool=None):
    """The experiment as the page writes its link."""
    texts = {f: jitter_key(params[f]) if f == "jitter" else str(params[f]) for f in FIELDS}
    # Waits came after the first links: awaited, the page leaves the field out.
    parts = [f"v={VERSION}"] + [f"{f}={_escape(texts[f])}" for f in FIELDS
                                if f != "waits" or texts[f] != "awaited"]
    return "&".join(parts + ([f"pool={pool}"] if pool is not None else []))


def mix64(x):
    """SplitMix64's finaliser, as the page's `model::experiment::rng::mix64`."""
    x = (x + 0x9E3779B97F4A7C15) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def unit(seed, a, b):
    """A number in [0, 1) from a seed and two indices, as `rng::unit`."""
    x = mix64(seed ^ mix64(((a * 0x1000000001B3) & MASK) ^ mix64(b)))
    return (x >> 11) / float(1 << 53)


def _bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def _float(bits):
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


_LN2_HI = _float(0x3FE62E42FEE00000)
_LN2_LO = _float(0x3DEA39EF35793C76)
_LG1 = _float(0x3FE5555555555593)
_LG2 = _float(0x3FD999999997FA04)
_LG3 = _float(0x3FD2492494229359)
_LG4 = _float(0x3FCC71C51D8E78AF)
_LG5 = _float(0x3FC7466496CB03DE)
_LG6 = _float(0x3FC39A09D078C69F)
_LG7 = _float(0x3FC2F112DF3E5244)


def log(x):
    """The natural log with the bits of the page's: the algorithm of FreeBSD's e_log.c as
    musl and Rust's libm write it, operation for operation (Python's floats are IEEE doubles,
    each operation rounded, as Rust's). The platform's `math.log` may differ in the last bit.
    """
    if x != x or x < 0.0:
        return math.nan
    if x == 0.0:
        return -math.inf
    if x == math.inf:
        return x
    ui = _bits(x)
    hx = ui >> 32
    k = 0
    if hx < 0x00100000:
        # A subnormal number: scale it up.
        k -= 54
        x *= _float(0x4350000000000000)
        ui = _bits(x)
        hx = ui >> 32
    elif hx == 0x3FF00000 and ui & 0xFFFFFFFF == 0:
        return 0.0
    # Reduce x into [sqrt(2)/2, sqrt(2)].
    hx += 0x3FF00000 - 0x3FE6A09E
    k += (hx >> 20) - 0x3FF
    hx = (hx & 0x000FFFFF) + 0x3FE6A09E
    x = _float((hx << 32) | (ui & 0xFFFFFFFF))
    f = x - 1.0
    hfsq = 0.5 * f * f
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    t1 = w * (_LG2 + w * (_LG4 + w * _LG6))
    t2 = z * (_LG1 + w * (_LG3 + w * (_LG5 + w * _LG7)))
    r = t2 + t1
    dk = float(k)
    return s * (hfsq + r) + dk * _LN2_LO - hfsq + f + dk * _LN2_HI


def wait_ms(io_ms, jitter, seed, task, round_):
    """A task's wait in one round, in ms, as the page's `workload::wait_ms`: `jitter` is
    None, ("uniform", pct) or "tail" (exponential with mean `io_ms`, capped at ten means)."""
    base = float(io_ms)
    u = unit(seed, task, round_)
    if jitter is None:
        return base
    if jitter == "tail":
        return min(-base * log(1.0 - u), base * 10.0)
    _, pct = jitter
    return base * (1.0 + float(pct) / 100.0 * (2.0 * u - 1.0))


class Kernel:
    """The page's CPU kernel: a xorshift-multiply chain, one step per unit, resumable in
    slices; its state is the task's checksum."""

    __slots__ = ("state",)

    def __init__(self, seed, task):
        self.state = mix64(seed ^ ((task * 0xA24BAED4963EE407) & MASK)) | 1

    def run(self, units):
        x = self.state
        for _ in range(units):
            x ^= (x << 13) & MASK
            x ^= x >> 7
            x ^= (x << 17) & MASK
            x = (x * 0x2545F4914F6CDD1D) & MASK
        self.state = x

    def wait_done(self, ms):
        """Folds a finished wait of `ms` (its planned duration) into the checksum."""
        self.state = mix64(self.state ^ _bits(ms)) | 1

    def checksum(self):
        return self.state


def combine(checksums):
    """A run's checksum from its tasks', whatever order they finished in."""
    total = 0
    for c in checksums:
        total = (total + mix64(c)) & MASK
    return total


def task_steps(params, task, units):
    """The steps of `task`, in order, as the page's `Plan::steps`: per round a wait (when the
    workload waits) then a computation of `units` (when it computes); only a mixed workload
    has more than one round. `params` holds the page's fields by their keys."""
    workload = params["workload"]
    waits, computes = workload in ("io", "mixed"), workload in ("cpu", "mixed")
    for round_ in range(params["rounds"] if workload == "mixed" else 1):
        if waits:
            yield "wait", wait_ms(params["io_ms"], params["jitter"], params["seed"], task, round_)
        if computes:
            yield "compute", units


def task_checksum(params, task, units):
    """The checksum of `task` that ran its steps, computations of `units` each."""
    kernel = Kernel(params["seed"], task)
    for kind, amount in task_steps(params, task, units):
        if kind == "wait":
            kernel.wait_done(amount)
        else:
            kernel.run(amount)
    return kernel.checksum()


def run_checksum(params, units):
    """The checksum of a whole run, whichever strategy ran it."""
    return combine(task_checksum(params, t, units) for t in range(params["tasks"]))


def _round(x):
    """Rust's `f64::round` for the non-negative numbers here: halves away from zero."""
    return int(math.floor(x + 0.5))


# The kernel's speed in this interpreter, measured as the page measures it (`kernel::calibrate`):
# grow the units until one timed run lasts at least 12 ms, then keep the fastest of at least
# five runs of that size, stopping once the fastest has not improved by 3% for six of them.

CALIBRATION_MIN_SAMPLE_MS = 12.0
_CALIBRATION_MIN_SAMPLES = 5
_CALIBRATION_MAX_SAMPLES = 24
_CALIBRATION_PROGRESS = 0.03
_CALIBRATION_SETTLED = 6
_CALIBRATION_MAX_ROUNDS = 4


def calibrate(timed_run=None):
    """Kernel units per ms on this thread. `timed_run(units)` runs the kernel for `units` and
    returns the elapsed ms (by default: here, on `time.perf_counter`)."""
    if timed_run is None:
        def timed_run(units):
            kernel = Kernel(0, 0)
            t0 = now_ms()
            kernel.run(units)
            return now_ms() - t0
    max_units = 1 << 40

    def grow(units, elapsed):
        factor = max(CALIBRATION_MIN_SAMPLE_MS * 1.2 / elapsed, 2.0) if elapsed > 1.0 else 8.0
        return min(int(units * factor), max_units)

    units, rounds = 1 << 12, 0
    while True:
        elapsed = timed_run(units)
        if elapsed < CALIBRATION_MIN_SAMPLE_MS and units < max_units:
            units = grow(units, elapsed)
            continue
        rounds += 1
        best, samples, since_progress = elapsed, 1, 0
        while samples < _CALIBRATION_MAX_SAMPLES and (
                samples < _CALIBRATION_MIN_SAMPLES or since_progress < _CALIBRATION_SETTLED):
            e = timed_run(units)
            samples += 1
            since_progress = 0 if e < best * (1.0 - _CALIBRATION_PROGRESS) else since_progress + 1
            best = min(best, e)
        if (best >= CALIBRATION_MIN_SAMPLE_MS or units >= max_units
                or rounds >= _CALIBRATION_MAX_ROUNDS):
            return units / max(best, 1e-3)
        units = grow(units, best)


def units_for(units_per_ms, ms):
    """Kernel units that take `ms` at `units_per_ms`, as the page's `Calibration::units_for`."""
    return max(_round(units_per_ms * ms), 0)


# The clock: ms on `time.perf_counter`, which every thread of this process reads alike, and
# (CLOCK_MONOTONIC on Linux, mach_absolute_time on macOS, QueryPerformanceCounter on Windows)
# every process of this machine too, so a worker process's times are on the same axis.

def now_ms():
    return time.perf_counter() * 1000.0


class Task:
    """One task of the experiment: its steps (`task_steps`), the kernel whose state proves
    them, and its record, timed as it runs. A strategy only waits and computes where it runs;
    the task writes down when, on which thread, and in which process."""

    def __init__(self, params, index, units, slice_units=1):
        self.params, self.index, self.units = params, index, units
        self.slice_units = max(slice_units, 1)
        self.kernel = Kernel(params["seed"], index)
        self.start = self.end = None
        self.thread = None
        self.segments = []  # [kind, start ms, end ms, thread], absolute ms
        self.cpu_ms = self.wait_ms = 0.0

    def steps(self):
        """The task's steps, ("wait", ms) or ("compute", units); the task starts with the first."""
        self.start = now_ms()
        self.thread = threading.get_ident()
        return task_steps(self.params, self.index, self.units)

    def waiting(self, ms):
        """`with task.waiting(ms):` around the wait itself: records it, then folds the planned
        `ms` into the checksum, as the page's tasks do after each wait."""
        return _Waiting(self, ms)

    def block(self, ms):
        """A blocking wait of `ms` here (time.sleep, as requests.get would block), recorded on
        this thread."""
        with self.waiting(ms):
            time.sleep(ms / 1000)

    def compute(self, units):
        """Runs `units` of the kernel here and records where and how long."""
        t0 = now_ms()
        self.kernel.run(units)
        self._segment("cpu", t0, now_ms())

    def slices(self, units):
        """A computation of `units` cut into the slices an event loop computes between its
        turns: `yield_every_ms` of work each."""
        if units == 0:
            yield 0
        while units > 0:
            n = min(units, self.slice_units)
            units -= n
            yield n

    def done(self):
        """The task's record: plain data, so a worker process can send it back."""
        self.end = now_ms()
        return {"task": self.index, "pid": os.getpid(), "thread": self.thread,
                "start": self.start, "end": self.end, "checksum": self.kernel.checksum(),
                "cpu_ms": self.cpu_ms, "wait_ms": self.wait_ms, "segments": self.segments}

    def _segment(self, kind, start, end):
        end = max(end, start)
        if kind == "cpu":
            self.cpu_ms += end - start
        else:
            self.wait_ms += end - start
        thread, last = threading.get_ident(), self.segments[-1] if self.segments else None
        # Adjacent slices of one computation on one thread are one segment, as the page's.
        if (kind == "cpu" and last is not None and last[0] == "cpu" and last[3] == thread
                and start - last[2] < 0.05):
            last[2] = end
        else:
            self.segments.append([kind, start, end, thread])


class _Waiting:
    __slots__ = ("task", "ms", "start")

    def __init__(self, task, ms):
        self.task, self.ms = task, ms

    def __enter__(self):
        self.start = now_ms()

    def __exit__(self, kind, value, traceback):
        if kind is None:
            self.task._segment("wait", self.start, now_ms())
            self.task.kernel.wait_done(self.ms)


class Run:
    """What a strategy is given: the experiment's tasks and settings, and the plumbing that
    measures what the strategy itself costs (creating tasks, the event loop's polls, starting
    processes)."""

    def __init__(self, params, units, units_per_ms):
        self.params, self.units = params, units
        self.threads = params["threads"]
        self.switch_ms = params["switch_ms"]
        self.yield_every_ms = params["yield_every_ms"]
        # Whether waits block their thread (requests.get, time.sleep) or are awaited.
        self.blocking = params["waits"] == "blocking"
        self.slice_units = max(units_for(units_per_ms, params["yield_every_ms"]), 1)
        self.spawned, self.spawn_ms = 0, 0.0
        self.polls, self.poll_ms = 0, 0.0
        self.startup = None

    def tasks(self):
        return (Task(self.params, i, self.units, self.slice_units)
                for i in range(self.params["tasks"]))

    def jobs(self):
        """The tasks as arguments of `Task`, for worker processes."""
        return ((self.params, i, self.units) for i in range(self.params["tasks"]))

    def spawn(self, coroutines):
        """`asyncio` tasks of `coroutines`, each poll of them counted and timed (as the page
        counts its scheduler's); creating them is timed too."""
        loop = asyncio.get_running_loop()
        t0 = now_ms()
        tasks = [loop.create_task(_Polled(c, self)) for c in coroutines]
        self.spawn_ms, self.spawned = now_ms() - t0, len(tasks)
        return tasks


class _Polled:
    """A coroutine as the event loop drives it, counting and timing each step the loop runs
    (its first and every one after a wake-up): the page's scheduler counts its polls so."""

    __slots__ = ("coroutine", "run")

    def __init__(self, coroutine, run):
        self.coroutine, self.run = coroutine, run

    def send(self, value):
        t0 = time.perf_counter()
        try:
            return self.coroutine.send(value)
        finally:
            self.run.polls += 1
            self.run.poll_ms += (time.perf_counter() - t0) * 1000.0

    def throw(self, *exc):
        return self.coroutine.throw(*exc)

    def close(self):
        return self.coroutine.close()

    def __await__(self):
        return self

    def __iter__(self):
        return self

    def __next__(self):
        return self.send(None)


@contextlib.contextmanager
def switch_interval(ms):
    """CPython's switch interval set to `ms` (a thread waiting for the GIL asks the holder to
    let go after this long), and restored after."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(ms / 1000)
    try:
        yield
    finally:
        sys.setswitchinterval(old)


def gil_enabled():
    """Whether this interpreter runs with its GIL (always, but on a free-threaded build)."""
    is_enabled = getattr(sys, "_is_gil_enabled", None)
    return True if is_enabled is None else bool(is_enabled())


def interpreter_build():
    """This interpreter's build, "default" or "free-threaded" (3.13t and later), and whether
    its GIL is on (a free-threaded build may turn it back on: -X gil=1, PYTHON_GIL=1, or an
    extension module that needs it)."""
    free = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    return ("free-threaded" if free else "default"), gil_enabled()


def _rss_bytes(pid="self", field="VmRSS"):
    """A process's resident set size in bytes (or its other /proc status `field`, VmSize: its
    address space), from /proc (Linux); None elsewhere."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _worker_ready(ready):
    """A worker process's initializer: says when it is ready and how much memory it holds."""
    ready.put((os.getpid(), now_ms(), _rss_bytes()))


class TimedProcessPool(ProcessPoolExecutor):
    """A ProcessPoolExecutor that measures its workers' start-up: each worker from the
    submit that started it to its initializer (ready), and its resident memory then. On
    exit, `startup` holds the page's figures."""

    def __init__(self, max_workers, mp_context):
        self._ready = mp_context.SimpleQueue()
        self._created = now_ms()
        self._before = {p.pid for p in multiprocessing.active_children()}
        self._spawned = {}
        self._workers = max_workers
        self.startup = None
        super().__init__(max_workers=max_workers, mp_context=mp_context,
                         initializer=_worker_ready, initargs=(self._ready,))

    def submit(self, fn, /, *args, **kwargs):
        t0 = now_ms()
        future = super().submit(fn, *args, **kwargs)
        if len(self._spawned) < self._workers:
            for child in multiprocessing.active_children():
                if child.pid not in self._before:
                    self._spawned.setdefault(child.pid, t0)
        return future

    def shutdown(self, *args, **kwargs):
        super().shutdown(*args, **kwargs)
        if self.startup is not None:
            return
        ready = []
        while not self._ready.empty():
            ready.append(self._ready.get())
        if ready:
            starts = _sorted_finite(at - self._spawned.get(pid, self._created)
                                    for pid, at, _ in ready)
            memory = _sorted_finite(float(m) for _, _, m in ready if m is not None)
            self.startup = {"per_worker_ms": quantile(starts, 0.5),
                            "ready_ms": max(at for _, at, _ in ready),
                            "memory_bytes": quantile(memory, 0.5)}


# The strategies, the Python way. The page shows each to its Python readers beside the Rust
# that runs it in the browser: each is the code between its `show-code` markers. A strategy
# gets a `Run` (its tasks and settings) and returns its tasks' records; `Task` does the
# bookkeeping, so what is left is how each strategy waits and where it computes.

# show-code: sequential
def run_sequential(run):
    """One task after another on this thread: each wait blocks it (time.sleep), each
    computation holds it. Here that thread is the event loop's, so the loop stalls too."""
    records = []
    for task in run.tasks():
        for kind, amount in task.steps():
            if kind == "wait":
                task.block(amount)
            else:
                task.compute(amount)
        records.append(task.done())
    return records
# end show-code: sequential


# show-code: async
async def run_async(run):
    """One coroutine per task, all on the event loop's one thread: a wait is an await, so
    every task's waits overlap; a computation holds the thread, so it gives the loop a turn
    every yield_every_ms (0: never, and the loop stalls until it is done). A blocking wait
    (time.sleep in async def) holds the thread too: the waits run one after another."""
    async def one(task):
        for kind, amount in task.steps():
            if kind == "wait" and run.blocking:
                task.block(amount)
            elif kind == "wait":
                with task.waiting(amount):
                    await asyncio.sleep(amount / 1000)
            elif run.yield_every_ms == 0:
                task.compute(amount)
            else:
                for units in task.slices(amount):
                    await asyncio.sleep(0)  # a turn of the loop before each slice
                    task.compute(units)
        return task.done()

    return await asyncio.gather(*run.spawn(one(task) for task in run.tasks()))
# end show-code: async


# show-code: threads
def run_threads(run):
    """Each task on a thread of a pool of run.threads: a wait blocks its thread (time.sleep),
    so at most run.threads tasks wait at once. Without a GIL, the threads compute in
    parallel; with it, one at a time, handed over every switch interval."""
    def one(task):
        for kind, amount in task.steps():
            if kind == "wait":
                task.block(amount)
            else:
                task.compute(amount)
        return task.done()

    with switch_interval(run.switch_ms), ThreadPoolExecutor(max_workers=run.threads) as pool:
        return list(pool.map(one, run.tasks()))
# end show-code: threads


# show-code: gil
def run_gil(run):
    """Threads + GIL is run_threads on a CPython with its GIL (the default build, or a
    free-threaded one started with -X gil=1): the same code; the interpreter lets one thread
    run Python at a time, and one that waits for it asks the holder to let go after the
    switch interval (switch_ms). Waits (time.sleep) let the GIL go."""
    if not gil_enabled():
        raise RuntimeError("this interpreter runs without its GIL: start it with -X gil=1")
    return run_threads(run)
# end show-code: gil


# show-code: executor
async def run_executor(run):
    """Coroutines on the event loop, as async, that hand each computation to a pool of
    run.threads threads (run_in_executor) and await it: waits overlap on the loop, and the
    loop stays free while the pool computes. A blocking wait goes to the pool too, and holds
    one of its threads."""
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=run.threads) as pool:
        async def one(task):
            for kind, amount in task.steps():
                if kind == "wait" and run.blocking:
                    await loop.run_in_executor(pool, task.block, amount)
                elif kind == "wait":
                    with task.waiting(amount):
                        await asyncio.sleep(amount / 1000)
                else:
                    await loop.run_in_executor(pool, task.compute, amount)
            return task.done()

        return await asyncio.gather(*run.spawn(one(task) for task in run.tasks()))
# end show-code: executor


# show-code: processes
def run_processes(run):
    """Each task in one of run.threads worker processes, started for this run: "spawn"
    starts a fresh interpreter that imports this file, with its own GIL, so computations run
    in parallel; a task's waits block its process. Starting them is part of the run."""
    spawn = multiprocessing.get_context("spawn")
    with TimedProcessPool(max_workers=run.threads, mp_context=spawn) as pool:
        records = list(pool.map(process_task, run.jobs()))
    run.startup = pool.startup
    return records


def process_task(job):
    """One task, in a worker process (at the top level of the file, so the worker can
    import it)."""
    task = Task(*job)
    for kind, amount in task.steps():
        if kind == "wait":
            task.block(amount)
        else:
            task.compute(amount)
    return task.done()
# end show-code: processes


STRATEGY_FUNCTIONS = {"sequential": run_sequential, "async": run_async, "threads": run_threads,
                      "gil": run_gil, "executor": run_executor, "processes": run_processes}


# Statistics, as the page's `model::run::stats` and `record::Digest::of`: the same rules, so
# the page shows the same figures for these runs as it would compute from their records.

PROBE_INTERVAL_MS = 10.0
LONG_TASK_MS = 50.0
SKEW_MS = 0.1


def quantile(sorted_values, q):
    """The q-quantile (0 to 1) of sorted values, interpolating between ranks; None if empty."""
    if not sorted_values:
        return None
    pos = min(max(q, 0.0), 1.0) * (len(sorted_values) - 1)
    lo, hi = int(math.floor(pos)), int(math.ceil(pos))
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def _sorted_finite(values):
    return sorted(v for v in values if math.isfinite(v))


def summary(ends_ms, cpu_total_ms, wait_total_ms, makespan_ms):
    """The page's `Summary::of`: latency is from the run's start (every task is submitted
    then) to each task's end."""
    lat = _sorted_finite(ends_ms)

    def q(x):
        v = quantile(lat, x)
        return 0.0 if v is None else v
    return {"tasks_done": len(ends_ms), "makespan_ms": makespan_ms,
            "throughput_per_s": len(ends_ms) * 1000.0 / makespan_ms if makespan_ms > 0 else 0.0,
            "latency_p50_ms": q(0.5), "latency_p95_ms": q(0.95), "latency_max_ms": q(1.0),
            "cpu_total_ms": cpu_total_ms, "wait_total_ms": wait_total_ms}


def responsiveness(lag, interval_ms, from_ms, to_ms):
    """The page's `stats::responsiveness` from event-loop probe samples `(at_ms, gap_ms)`
    over [from_ms, to_ms] (a gap straddling it counts its part inside). CPython has no
    animation frames: missed_frames is 0."""
    def clipped(at, gap):
        return max(min(at, to_ms) - max(at - gap, from_ms), 0.0)
    lags = _sorted_finite(max(clipped(at, gap) - interval_ms, 0.0) for at, gap in lag)

    def q(x):
        v = quantile(lags, x)
        return 0.0 if v is None else v
    return {"samples": len(lags), "lag_p50_ms": q(0.5), "lag_p99_ms": q(0.99),
            "longest_stall_ms": lags[-1] if lags else 0.0,
            "blocked_ms": sum((x for x in lags if x >= LONG_TASK_MS), 0.0), "missed_frames": 0}


def max_overlapping(tasks, kind):
    """The most segments of `kind` in progress at once; segments that overlap by no more
    than SKEW_MS are not at once (the page's `record::max_overlapping`)."""
    edges = []
    for t in tasks:
        for seg in t["segments"]:
            if seg[0] == kind and seg[2] - seg[1] > SKEW_MS:
                edges.append((seg[1], 1))
                edges.append((seg[2] - SKEW_MS, -1))
    edges.sort()
    now = best = 0
    for _, d in edges:
        now += d
        best = max(best, now)
    return best


def _lane_order(key):
    return (0, 0) if key == "main" else (1 if key[0] == "w" else 2, int(key[1:]))


def digest(tasks, makespan_ms):
    """The page's `Digest::of`: what the page recomputes from the task records on import."""
    lanes = sorted({t["lane"] for t in tasks} | {s[3] for t in tasks for s in t["segments"]
                                                 if len(s) > 3}, key=_lane_order)
    firsts = {}
    for t in tasks:
        firsts[t["lane"]] = min(firsts.get(t["lane"], math.inf), t["start_ms"])
    s = summary([t["end_ms"] for t in tasks], sum(t["cpu_ms"] for t in tasks),
                sum(t["wait_ms"] for t in tasks), makespan_ms)
    return {"tasks_done": s["tasks_done"], "throughput_per_s": s["throughput_per_s"],
            "latency_p50_ms": s["latency_p50_ms"], "latency_p95_ms": s["latency_p95_ms"],
            "latency_max_ms": s["latency_max_ms"], "cpu_total_ms": s["cpu_total_ms"],
            "wait_total_ms": s["wait_total_ms"],
            "max_overlapping_waits": max_overlapping(tasks, "wait"),
            "last_first_pickup_ms": max([0.0] + [firsts[lane] for lane in lanes if lane in firsts]),
            "checksum": f"{combine(int(t['checksum'], 16) for t in tasks):016x}",
            "lanes": lanes}


def page_tasks(records, origin_ms, main_pid, main_thread):
    """Task records as the page writes them: ms from the run's start, and lanes: "main" for
    the event loop's thread, "w<k>" for another thread of this process and "p<k>" for
    another process, k in order of first use."""
    uses = []
    for r in records:
        uses.append((r["start"], r["pid"], r["thread"]))
        uses.extend((seg[1], r["pid"], seg[3]) for seg in r["segments"])
    uses.sort(key=lambda u: u[0])
    threads, processes = {}, {}
    for _, pid, thread in uses:
        if pid != main_pid:
            processes.setdefault(pid, f"p{len(processes)}")
        elif thread == main_thread:
            threads.setdefault(thread, "main")
        elif thread not in threads:
            threads[thread] = f"w{len([k for k in threads.values() if k != 'main'])}"

    def lane(pid, thread):
        return processes[pid] if pid != main_pid else threads[thread]

    out = []
    for r in sorted(records, key=lambda r: r["task"]):
        own = lane(r["pid"], r["thread"])
        start = r["start"] - origin_ms
        segments = []
        for kind, s, e, thread in r["segments"]:
            s -= origin_ms
            seg = [kind, s, max(e - origin_ms, s)]
            here = lane(r["pid"], thread)
            if here != own:
                seg.append(here)
            segments.append(seg)
        out.append({"task": r["task"], "lane": own, "start_ms": start,
                    "end_ms": max(r["end"] - origin_ms, start), "cpu_ms": r["cpu_ms"],
                    "wait_ms": r["wait_ms"], "lock_ms": 0, "checksum": f"{r['checksum']:016x}",
                    "segments": segments})
    return out


def runtime_environment():
    """Which interpreter measured a run (the page says "CPython has no frames" by it)."""
    build, gil = interpreter_build()
    return {"runtime": platform.python_implementation(), "version": platform.python_version(),
            "build": build, "gil": "on" if gil else "off",
            "os": f"{platform.system()} {platform.machine()}"}


PARALLEL = ("threads", "gil", "executor", "processes")
SCHEDULER_NAME = "asyncio's event loop"


def run_object(strategy, params, run, records, times, lag, why=None):
    """One run as the page's JSON export writes it: the run's fields (`store::fields::FIELDS`)
    in their order, then the environment, the probe's samples and the task records.
    `times` is (started_at_ms since the epoch, origin_ms, end_ms) on the run's clock."""
    started_at_ms, origin, end = times
    tasks = page_tasks(records, origin, os.getpid(), threading.get_ident())
    makespan = max([0.0] + [t["end_ms"] for t in tasks])
    scheduler = startup = None
    if strategy in ("async", "executor"):
        # As the page's: the polls' time without the computations that ran inside them.
        polled_cpu = sum(s[2] - s[1] for t in tasks for s in t["segments"]
                         if s[0] == "cpu" and len(s) == 3)
        us_per_wake = (run.poll_ms - polled_cpu) * 1000.0 / max(run.polls, 1)
        scheduler = {"name": SCHEDULER_NAME,
                     "spawn_us_per_task": run.spawn_ms * 1000.0 / max(run.spawned, 1),
                     "wakes": run.polls, "us_per_wake": max(us_per_wake, 0.0)}
    if strategy == "processes" and run.startup is not None:
        startup = {"per_worker_ms": run.startup["per_worker_ms"],
                   "all_ready_ms": run.startup["ready_ms"] - origin,
                   "memory_bytes": run.startup["memory_bytes"]}
    return {"strategy": strategy, "params": encode(dict(params, strategy=strategy)),
            "threads_used": params["threads"] if strategy in PARALLEL else 1,
            "pool_size": params["threads"], "cores": os.cpu_count() or 1,
            "started_at_ms": started_at_ms, "makespan_ms": makespan,
            "outcome": "done" if why is None else "failed", "why": why, "hidden_ms": None,
            "responsiveness": responsiveness(lag, PROBE_INTERVAL_MS, 0.0, end - origin),
            "scheduler": scheduler, "startup": startup, "digest": digest(tasks, makespan),
            "environment": runtime_environment(),
            "lag": [[at, gap] for at, gap in lag], "details_dropped": False, "tasks": tasks}


async def _probe(samples):
    """The event-loop probe: asks to run every 10 ms and records when it did and the gap
    since it last did, `(at_ms, gap_ms)`, as the page's timer does."""
    prev = now_ms()
    while True:
        await asyncio.sleep(PROBE_INTERVAL_MS / 1000)
        now = now_ms()
        samples.append((now, now - prev))
        prev = now


async def _measure(strategy, params, units, units_per_ms, samples):
    """One strategy's run on this event loop, the probe beside it: sequential blocks the
    loop's thread, async and executor run on the loop, and the others run on a thread of
    their own that the loop awaits (asyncio.wrap_future)."""
    params = dict(params, strategy=strategy)
    run = Run(params, units, units_per_ms)
    function, why = STRATEGY_FUNCTIONS[strategy], None
    started_at_ms, origin = time.time() * 1000.0, now_ms()
    try:
        if strategy == "sequential":
            records = function(run)
        elif inspect.iscoroutinefunction(function):
            records = await function(run)
        else:
            with ThreadPoolExecutor(max_workers=1) as driver:
                records = await asyncio.wrap_future(driver.submit(function, run))
    except Exception as failure:  # noqa: BLE001 - a failed run is on record, with why
        records, why = [], f"{type(failure).__name__}: {failure}"
    end = now_ms()
    # Let the probe tick once more, so a stall that ended with the run is on record.
    await asyncio.sleep(2 * PROBE_INTERVAL_MS / 1000)
    lag = [(at - origin, gap) for at, gap in samples if at >= origin and at - gap <= end]
    return run_object(strategy, params, run, records, (started_at_ms, origin, end), lag, why)


def plan(strategies, build, gil):
    """How each strategy asked for runs in this interpreter, as (strategy, how, why): how is
    "here" or "child" (this file run again with -X gil=1), with why None, or "skipped", with
    why it cannot run here."""
    out = []
    for s in strategies:
        if s == "threads" and gil and build == "free-threaded":
            out.append((s, "skipped", "this free-threaded CPython runs with its GIL enabled "
                        "(-X gil=1, PYTHON_GIL=1, or an extension module that needs it), so its "
                        "threads are the page's Threads + GIL, recorded as gil; start it with "
                        "-X gil=0 to run threads in parallel"))
        elif s == "threads" and gil:
            out.append((s, "skipped", "this CPython is the default build, with the GIL, so its "
                        "threads are the page's Threads + GIL, recorded as gil; threads that "
                        "compute in parallel need a free-threaded CPython (3.13t or later, "
                        "e.g. python3.13t)"))
        elif s == "gil" and not gil:
            out.append((s, "child", None))
        else:
            out.append((s, "here", None))
    return out


def gil_command(params, units_per_ms, out):
    """This file run again with its GIL on, for the gil strategy only, on the same units."""
    return [sys.executable, "-X", "gil=1", os.path.abspath(__file__), encode(params),
            "--strategies", "gil", "--units-per-ms", repr(units_per_ms), "--out", out, "--quiet"]


def _run_with_gil(params, units_per_ms):
    """The gil strategy's run from a child interpreter with the GIL on: (run, None), or
    (None, why not)."""
    fd, path = tempfile.mkstemp(suffix=".json", prefix="async-vs-threads-gil-")
    os.close(fd)
    try:
        done = subprocess.run(gil_command(params, units_per_ms, path), capture_output=True,
                              text=True, check=False)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            return None, f"python -X gil=1 failed ({done.returncode}): {tail[0]}"
        with open(path, encoding="utf-8") as f:
            runs = json.load(f)["runs"]
        return (runs[0], None) if runs else (None, "python -X gil=1 recorded no run")
    finally:
        os.unlink(path)


def run_strategies(params, strategies, units_per_ms, on_run=None):
    """Runs `strategies` of the experiment `params` in this interpreter, one after another in
    one event loop with the probe beside them: (runs, skipped). `on_run(strategy, run, why)`
    is called as each ends (run None: skipped, why)."""
    units = units_for(units_per_ms, params["cpu_ms"])
    build, gil = interpreter_build()
    runs, skipped = [], []

    async def main():
        samples = []
        probe = asyncio.ensure_future(_probe(samples))
        # The probe ticks before the first run, as the page's does all the time.
        await asyncio.sleep(1.5 * PROBE_INTERVAL_MS / 1000)
        try:
            for strategy, how, why in plan(strategies, build, gil):
                run = None
                if how == "child":
                    run, why = await asyncio.get_running_loop().run_in_executor(
                        None, _run_with_gil, params, units_per_ms)
                elif how == "here":
                    run = await _measure(strategy, params, units, units_per_ms, samples)
                    # Only the samples a later run may still need.
                    del samples[:-1]
                if run is None:
                    skipped.append({"strategy": strategy, "why": why})
                else:
                    runs.append(run)
                if on_run is not None:
                    on_run(strategy, run, why)
        finally:
            probe.cancel()

    asyncio.run(main())
    return runs, skipped


def export(runs, params, extra=None):
    """The page's JSON export (`async-vs-threads/runs`, v1) of `runs`, with `extra`
    top-level keys (the page skips keys it does not know)."""
    build, _ = interpreter_build()
    doc = {"format": "async-vs-threads/runs", "v": 1, "exported_at_ms": time.time() * 1000.0,
           "environment": {"browser": f"{platform.python_implementation()} "
                                      f"{platform.python_version()}",
                           "cores": os.cpu_count() or 1, "pool": params["threads"],
                           "isolated": False, "build": build},
           "runs": runs}
    doc.update(extra or {})
    return json.dumps(_finite(doc), ensure_ascii=False, separators=(",", ":"))


def _finite(value):
    """JSON as the page writes it: a number that is not finite is null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def same_units(params, page_units_per_ms, n):
    """The experiment's first `n` tasks, one after another, on the page's units: each task's
    checksum (the page's data table shows its tasks') and their combined one, which the
    page's run of the same experiment gives when `n` is all its tasks."""
    units = units_for(page_units_per_ms, params["cpu_ms"])
    # A task's work depends on its number only: the first n tasks are an experiment of n.
    first = dict(params, tasks=min(n, params["tasks"]))
    tasks = [t["checksum"] for t in run_sequential(Run(first, units, page_units_per_ms))]
    return {"units_per_ms": page_units_per_ms, "units": units,
            "tasks": [{"task": i, "checksum": f"{c:016x}"} for i, c in enumerate(tasks)],
            "checksum": f"{combine(tasks):016x}"}


# The demos of the page's "Interleaving and shared state" (`model::demos`): the same small
# programs, parameters (bounds and defaults) and verdict rules, run in this CPython.

class Bound:
    """One whole-number parameter of a demo: its label, inclusive bounds and default."""

    def __init__(self, label, lo, hi, default):
        self.label, self.lo, self.hi, self.default = label, lo, hi, default

    def parse(self, text):
        n = _parse_number(_trim(text))
        if n < self.lo or n > self.hi:
            raise ValueError(f"must be from {_count(self.lo)} to {_count(self.hi)}")
        if n != math.floor(n):
            raise ValueError("must be a whole number")
        return int(n)


DEMO_PARAMS = {
    "interleave": {"steps": Bound("Steps per task", 2, 20, 8), "runs": Bound("Runs", 1, 50, 20)},
    "race": {"tasks": Bound("Tasks", 2, 8, 2),
             "increments": Bound("Increments per task", 1, 50_000, 20_000)},
    "queue": {"items": Bound("Items", 10, 5_000, 300),
              "capacity": Bound("Queue capacity", 1, 100, 8),
              "produce_us": Bound("Producer \u00b5s per item", 0, 20_000, 500),
              "consume_us": Bound("Consumer \u00b5s per item", 0, 20_000, 1_000),
              "work": ("wait", "compute")},
    "deadlock": {"order": ("opposite", "same"),
                 "hold_ms": Bound("Hold first lock (ms)", 0, 1_000, 50),
                 "stall_ms": Bound("Watchdog after (ms)", 100, 5_000, 500),
                 "rounds": Bound("Rounds", 1, 100, 5)},
    # The context-switch claim's ping-pong, with the page's sizes (`model::findings::claims`).
    "switch": {"async_switches": Bound("Async hand-overs per batch", 2, 100_000, 20_000),
               "thread_switches": Bound("Thread hand-overs per batch", 2, 10_000, 1_000),
               "batches": Bound("Batches", 1, 50, 9)},
    # The thread-start and blocking claims' waits, with the page's sizes; the pool of the
    # blocking claim is the articles' ThreadPoolExecutor(max_workers=20).
    "thread-start": {"tasks": Bound("Requests", 1, 1_000, 50),
                     "wait_ms": Bound("Wait per request (ms)", 1, 10_000, 100)},
    "blocking": {"tasks": Bound("Uploads", 1, 1_000, 10),
                 "wait_ms": Bound("Blocking wait per upload (ms)", 1, 5_000, 50),
                 "workers": Bound("Pool threads", 1, 100, 20)},
    # The scaling claim, with the page's sizes: pending tasks held, threads started at most.
    "scale": {"tasks": Bound("Pending asyncio tasks", 1, 1_000_000, 1_000_000),
              "threads": Bound("Threads at most", 1, 100_000, 256)},
    # The errors claim: one of `tasks` tasks (the second) fails after `fail_ms`.
    "errors": {"tasks": Bound("Tasks", 2, 100, 4),
               "wait_ms": Bound("Wait per task (ms)", 1, 10_000, 60),
               "fail_ms": Bound("Failing after (ms)", 0, 10_000, 20)},
}
QUEUE_BUDGET_US = 3_000_000


def demo_params(demo, texts=None):
    """A demo's parameters from `texts` (key to text), defaults for the rest: (params,
    errors), with the page's messages."""
    params, errors = {}, []
    for key, spec in DEMO_PARAMS[demo].items():
        text = (texts or {}).get(key)
        if isinstance(spec, tuple):
            params[key] = spec[0] if text is None else _trim(text)
            if params[key] not in spec:
                errors.append(f"{demo} {key}: choose {' or '.join(spec)}")
        elif text is None:
            params[key] = spec.default
        else:
            try:
                params[key] = spec.parse(text)
            except ValueError as bad:
                errors.append(f"{demo} {key} ({spec.label}): {bad}")
    unknown = sorted(set(texts or {}) - set(DEMO_PARAMS[demo]))
    errors += [f"{demo} has no parameter {k}: it has {', '.join(DEMO_PARAMS[demo])}"
               for k in unknown]
    if not errors and demo == "queue":
        us = params["items"] * (params["produce_us"] + params["consume_us"])
        if us > QUEUE_BUDGET_US:
            errors.append(f"items \u00d7 (producer + consumer \u00b5s) is {format_ms(us / 1000)} "
                          f"of work; at most {format_ms(QUEUE_BUDGET_US / 1000)} per run")
    if not errors and demo == "deadlock" and params["hold_ms"] >= params["stall_ms"]:
        errors.append(f"the hold ({params['hold_ms']} ms) must be shorter than the watchdog's "
                      f"wait ({params['stall_ms']} ms)")
    return params, errors


def _below_thousand(v, unit):
    a = abs(v)
    return f"{v:.2f} {unit}" if a < 10 else f"{v:.1f} {unit}" if a < 100 else f"{v:.0f} {unit}"


def format_ms(v):
    """A duration as the page writes one: `0.42 ms`, `12.3 ms`, `105 ms`, `2.50 s`."""
    if not math.isfinite(v):
        return "\u2013"
    if abs(v) < 1000:
        return _below_thousand(v, "ms")
    if abs(v) < 100_000:
        return f"{v / 1000:.2f} s"
    s = _round(v / 1000)
    return f"{s // 60} min {s % 60} s"


def format_times(v):
    if not math.isfinite(v):
        return "\u2013"
    return f"{v:.2f}\u00d7" if v < 10 else f"{v:.1f}\u00d7"


def plural(n, one, many):
    return f"{_count(n)} {one if n == 1 else many}"


def _busy_us(us):
    """Computes for `us` \u00b5s on this thread (an item's work)."""
    end = now_ms() + us / 1000
    while now_ms() < end:
        pass


# Interleaving: do_first and do_second log their steps into one trace.

def interleave_switches(trace):
    return sum(1 for a, b in zip(trace, trace[1:]) if a[0] != b[0])


def interleave_tally(traces):
    """How many different orders of the two tasks' steps the traces logged (the page's
    `interleave::tally`); a trace is a list of (task, step)."""
    seen = collections.Counter(tuple(task for task, _ in t) for t in traces)
    switches = [interleave_switches(t) for t in traces]
    return {"runs": len(traces), "distinct": len(seen),
            "most_common": max(seen.values(), default=0),
            "fewest_switches": min(switches, default=0), "most_switches": max(switches, default=0)}


def interleave_verdict(asyn, threads):
    """One sentence on what the runs showed (the page's rule); `threads` None: not run."""
    def orders(t):
        return plural(t["distinct"], "order", "different orders")
    runs = plural(asyn["runs"], "run", "runs")
    if asyn["distinct"] == 1:
        a = f"In {runs}, asyncio logged 1 order every time, switching only at its awaits"
    else:
        a = f"In {runs}, asyncio logged {orders(asyn)}"
    if threads is None:
        return f"{a}."
    if threads["distinct"] == 1:
        return f"{a}; threads also logged 1 order (the threads never overlapped in these runs)."
    return (f"{a}; threads logged {orders(threads)} ({threads['fewest_switches']} to "
            f"{threads['most_switches']} switches a run).")


def demo_interleave(steps, runs, units_per_ms):
    """`runs` runs of `steps` steps of do_first and do_second, as asyncio tasks (a step,
    then `await asyncio.sleep(0)`) and as two threads started together (a step, then an
    append to the shared trace)."""
    step_units = max(units_for(units_per_ms, 0.1), 1)  # about a tenth of a ms, as the page's

    def step():
        Kernel(0, 0).run(step_units)

    async def async_trace():
        trace = []

        async def task(name):
            for i in range(steps):
                step()
                trace.append((name, i))
                await asyncio.sleep(0)
        await asyncio.gather(task(0), task(1))
        return trace

    def threads_trace():
        trace, together = [], threading.Barrier(2)

        def task(name):
            try:
                together.wait(timeout=0.2)
            except threading.BrokenBarrierError:
                pass
            for i in range(steps):
                step()
                trace.append((name, i))
        workers = [threading.Thread(target=task, args=(n,)) for n in (0, 1)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        return trace

    t0 = now_ms()
    step()
    step_us = (now_ms() - t0) * 1000
    asyn = [asyncio.run(async_trace()) for _ in range(runs)]
    threads = [threads_trace() for _ in range(runs)]
    a, t = interleave_tally(asyn), interleave_tally(threads)
    return {"demo": "interleave", "params": {"steps": steps, "runs": runs},
            "measured": {"step_us": step_us, "asyncio": a, "threads": t,
                         "asyncio_orders": ["".join(str(k) for k, _ in tr) for tr in asyn],
                         "threads_orders": ["".join(str(k) for k, _ in tr) for tr in threads]},
            "verdict": interleave_verdict(a, t)}


# Lost updates: tasks each add 1 to a shared counter, unsynchronised and fixed.

RACE_VARIANTS = {
    "threads-unsync": "v = counter; work(); counter = v + 1",
    "threads-lock": "with lock: v = counter; work(); counter = v + 1",
    "threads-atomic": "work(); next(counter)  # counter = itertools.count()",
    "async-unsync": "v = counter; await asyncio.sleep(0); counter = v + 1",
    "async-lock": "async with lock: v = counter; await asyncio.sleep(0); counter = v + 1",
}
_RACE_FIXES = {"threads-lock": "with a threading.Lock", "threads-atomic": "with itertools.count",
               "async-lock": "with an asyncio.Lock"}


def race_lost(o):
    return max(o["tasks"] * o["increments"] - o["counted"], 0)


def race_verdict(outcomes):
    """One sentence per model from its variants' outcomes (the page's `race::verdict`)."""
    def part(unsync, name):
        u = next((o for o in outcomes if o["variant"] == unsync), None)
        if u is None:
            return None
        model = unsync.split("-")[0]
        fixes = [f"{_RACE_FIXES[o['variant']]}: {_count(race_lost(o))} lost" for o in outcomes
                 if o["variant"] in _RACE_FIXES and o["variant"].startswith(model)]
        expected = u["tasks"] * u["increments"]
        lost = race_lost(u)
        if lost == 0:
            head = f"{name} lost none of {plural(expected, 'update', 'updates')} this time"
        else:
            head = (f"{name} lost {_count(lost)} of {plural(expected, 'update', 'updates')} "
                    f"({lost * 100 / max(expected, 1):.1f}%)")
        return f"{head}; {', '.join(fixes)}" if fixes else head
    parts = [p for p in (part("threads-unsync", "Threads"), part("async-unsync", "asyncio")) if p]
    return f"{'. '.join(parts)}." if parts else ""


class _Counter:
    value = 0


def demo_race(tasks, increments):
    """Each variant: `tasks` tasks adding 1 `increments` times. Threads run with a switch
    interval of 1 \u00b5s, so CPython hands the GIL over as often as it can; they lose updates
    where the switch falls between the read and the write, which takes a call there (work()):
    since CPython 3.10, a switch happens only at calls and backward jumps, so a plain
    `counter += 1` (measured too) rarely loses any with the GIL."""
    window = Kernel(0, 0)

    def work():
        window.run(1)

    def threads(variant):
        shared, lock, counts = _Counter(), threading.Lock(), itertools.count()
        together = threading.Barrier(tasks)

        def add():
            try:
                together.wait(timeout=0.2)
            except threading.BrokenBarrierError:
                pass
            for _ in range(increments):
                if variant == "threads-unsync":
                    v = shared.value
                    work()
                    shared.value = v + 1
                elif variant == "threads-lock":
                    with lock:
                        v = shared.value
                        work()
                        shared.value = v + 1
                elif variant == "threads-atomic":
                    work()
                    next(counts)
                else:  # the plain `+=`, for the record
                    work()
                    shared.value += 1
        t0 = now_ms()
        with switch_interval(0.001):
            workers = [threading.Thread(target=add) for _ in range(tasks)]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
        counted = next(counts) if variant == "threads-atomic" else shared.value
        return {"variant": variant, "tasks": tasks, "increments": increments,
                "counted": counted, "ms": now_ms() - t0}

    def asyncio_run(variant):
        shared = _Counter()

        async def main():
            lock = asyncio.Lock()

            async def add():
                for _ in range(increments):
                    if variant == "async-lock":
                        async with lock:
                            v = shared.value
                            await asyncio.sleep(0)
                            shared.value = v + 1
                    else:
                        v = shared.value
                        await asyncio.sleep(0)
                        shared.value = v + 1
            await asyncio.gather(*(add() for _ in range(tasks)))
        t0 = now_ms()
        asyncio.run(main())
        return {"variant": variant, "tasks": tasks, "increments": increments,
                "counted": shared.value, "ms": now_ms() - t0}

    outcomes = [threads(v) for v in ("threads-unsync", "threads-lock", "threads-atomic")]
    outcomes += [asyncio_run(v) for v in ("async-unsync", "async-lock")]
    plus = threads("threads-plus-equals")
    for o in outcomes:
        o["python"] = RACE_VARIANTS[o["variant"]]
        o["lost"] = race_lost(o)
    return {"demo": "race", "params": {"tasks": tasks, "increments": increments},
            "measured": {"outcomes": outcomes, "switch_interval_us": 1,
                         "plain_plus_equals": {"python": "work(); counter += 1",
                                               "counted": plus["counted"],
                                               "lost": race_lost(plus), "ms": plus["ms"]}},
            "verdict": race_verdict(outcomes)}


# Producer-consumer through a bounded queue.

class _Sampled:
    """A queue that samples its depth after every put and get, under its own lock (the
    order the puts and gets happened in)."""

    def _init(self, maxsize):
        super()._init(maxsize)
        self.samples = []

    def _put(self, item):
        super()._put(item)
        self.samples.append((now_ms(), self._depth()))

    def _get(self):
        item = super()._get()
        self.samples.append((now_ms(), self._depth()))
        return item


class _SampledQueue(_Sampled, queue.Queue):
    def _depth(self):
        return len(self.queue)


class _SampledAsyncQueue(_Sampled, asyncio.Queue):
    def _depth(self):
        return len(self._queue)


def queue_delivery(items, received):
    """What came out of a queue fed 0..items-1 in order: items received, lost, repeated and
    out of order (the page's `QueueRun::delivery`)."""
    seen, repeated, out_of_order, last = [False] * items, 0, 0, None
    for item in received:
        if 0 <= item < items and not seen[item]:
            seen[item] = True
        else:
            repeated += 1
        if last is not None and item < last:
            out_of_order += 1
        last = item
    return {"received": len(received), "lost": seen.count(False), "repeated": repeated,
            "out_of_order": out_of_order}


def queues_verdict(items, capacity, asyn, threads):
    """The page's rule (judge_queues): it holds when every item came out of both queues once,
    in order."""
    def said(name, d):
        return (f"{name} delivered {_count(d['received'])} items of {_count(items)} with "
                f"{_count(d['lost'])} lost, {_count(d['repeated'])} repeated, "
                f"{_count(d['out_of_order'])} out of order")

    def exact(d):
        return d["lost"] == d["repeated"] == d["out_of_order"] == 0

    a, t = said("asyncio.Queue (two tasks)", asyn), said("queue.Queue (two threads)", threads)
    if exact(asyn) and exact(threads):
        return "holds", f"holds here: {a}; {t}, each at full speed through a queue of {capacity}"
    return "does-not-hold", f"does not hold here: {a}; {t}"


def queue_stats(items, capacity, start_ms, end_ms, samples):
    """Depth statistics over a run, weighted by time (the page's `QueueRun::stats`)."""
    ms = max(end_ms - start_ms, 0.0)
    area = full = empty = 0.0
    at, depth = start_ms, 0
    for s_at, s_depth in list(samples) + [(end_ms, 0)]:
        dt = max(min(s_at, end_ms) - at, 0.0)
        area += dt * depth
        if depth >= capacity:
            full += dt
        if depth == 0:
            empty += dt
        at = max(at, min(s_at, end_ms))
        depth = s_depth

    def pct(t):
        return t * 100 / ms if ms > 0 else 0.0
    return {"ms": ms, "throughput": items * 1000 / ms if ms > 0 else 0.0,
            "mean_depth": area / ms if ms > 0 else 0.0,
            "max_depth": max((d for _, d in samples), default=0),
            "full_pct": pct(full), "empty_pct": pct(empty)}


def queue_verdict(work, asyn, threads, gil=True):
    """One sentence comparing the two models (the page's `queue::verdict`); on a CPython
    with the GIL, why two threads did not compute at once is the GIL."""
    def rate(s):
        return f"{s['throughput']:.0f} items/s"
    if threads is None:
        return (f"asyncio moved {rate(asyn)} with the queue full {asyn['full_pct']:.0f}% and "
                f"empty {asyn['empty_pct']:.0f}% of the time.")
    ratio = threads["throughput"] / max(asyn["throughput"], 1e-9)
    if ratio >= 1.2:
        head = (f"Threads moved {rate(threads)} against asyncio's {rate(asyn)} "
                f"({format_times(ratio)} faster)")
    elif ratio <= 1 / 1.2:
        head = (f"asyncio moved {rate(asyn)} against threads' {rate(threads)} "
                f"({format_times(1 / ratio)} faster)")
    else:
        head = (f"Both moved about as many items a second (asyncio {rate(asyn)}, "
                f"threads {rate(threads)})")
    if work == "compute" and ratio >= 1.2:
        why = ("threads produce and consume at the same time, while asyncio's one thread does "
               "both in turn")
    elif work == "compute" and gil:
        why = ("the two threads did not compute at the same time: the GIL lets one thread run "
               "Python at a time")
    elif work == "compute":
        why = ("the two threads did not get to compute at the same time here (too few free "
               "cores, or too little work per item to pay for waking a thread)")
    elif 1 / 1.2 < ratio < 1.2:
        why = "waits overlap in both models"
    else:
        why = ("waits overlap in both models, so the gap is each one's cost per wait (timers, "
               "wake-ups)")
    return (f"{head}: {why}; the queue was full {asyn['full_pct']:.0f}% of the time with "
            f"asyncio and {threads['full_pct']:.0f}% with threads.")


def demo_queue(items, capacity, produce_us, consume_us, work):
    """One producer and one consumer: `asyncio.Queue(capacity)` between two tasks, against
    `queue.Queue(capacity)` between two threads; each item costs each side a wait or a
    computation of so many \u00b5s."""
    async def asyncio_run():
        q, received = _SampledAsyncQueue(capacity), []

        async def spend(us):
            if work == "compute":
                _busy_us(us)
            elif us > 0:
                await asyncio.sleep(us / 1e6)

        async def producer():
            for i in range(items):
                await spend(produce_us)
                await q.put(i)

        async def consumer():
            for _ in range(items):
                received.append(await q.get())
                await spend(consume_us)
        start = now_ms()
        await asyncio.gather(producer(), consumer())
        return start, now_ms(), q.samples, received

    def threads_run():
        q, received = _SampledQueue(capacity), []

        def spend(us):
            if work == "compute":
                _busy_us(us)
            else:
                time.sleep(us / 1e6)

        def producer():
            for i in range(items):
                spend(produce_us)
                q.put(i)

        def consumer():
            for _ in range(items):
                received.append(q.get())
                spend(consume_us)
        start = now_ms()
        with ThreadPoolExecutor(max_workers=2) as pool:
            done = [pool.submit(producer), pool.submit(consumer)]
            for f in done:
                f.result()
        return start, now_ms(), q.samples, received

    measured = {}
    for model, run in (("asyncio", lambda: asyncio.run(asyncio_run())), ("threads", threads_run)):
        start, end, samples, received = run()
        measured[model] = dict(queue_stats(items, capacity, start, end, samples),
                               delivery=queue_delivery(items, received))
    a, t = measured["asyncio"], measured["threads"]
    return {"demo": "queue", "params": {"items": items, "capacity": capacity,
                                        "produce_us": produce_us, "consume_us": consume_us,
                                        "work": work},
            "measured": {"asyncio": a, "threads": t},
            "verdict": queue_verdict(work, a, t, gil_enabled())}


# Deadlock: two tasks take lock_a and lock_b, in opposite orders.

LOCKS = ("lock_a", "lock_b")
DEADLOCK_TASKS = ("task 1", "task 2")
_WATCH_MS = 10.0
_RETRY_S = 0.001
_RETURN_LIMIT_MS = 2_000.0


def deadlock_locks(order, task):
    """The locks `task` takes, first to last: task 2 takes lock_b first in "opposite"."""
    return (1, 0) if task == 1 and order == "opposite" else (0, 1)


def deadlock_cycle(holders, waiting):
    """The tasks in a cycle of the wait-for graph (each waits for a lock the next holds),
    from the lowest, or None (the page's `Snapshot::cycle`)."""
    def after(task):
        lock = waiting[task] if task < len(waiting) else None
        holder = holders[lock] if lock is not None and lock < len(holders) else None
        return holder if holder != task else None
    for start in range(len(waiting)):
        path, at = [start], start
        while True:
            n = after(at)
            if n is None:
                break
            if n == start:
                return path
            if n in path or len(path) > len(waiting):
                break
            path.append(n)
            at = n
    return None


def deadlock_describe(holders, waiting):
    """What each task holds and waits for: `task 1 holds lock_a and waits for lock_b`."""
    out = []
    for task in range(len(waiting)):
        held = [LOCKS[lock] for lock, h in enumerate(holders) if h == task]
        holds = f"holds {' and '.join(held)}" if held else "holds no lock"
        waits = f" and waits for {LOCKS[waiting[task]]}" if waiting[task] is not None else ""
        out.append(f"{DEADLOCK_TASKS[task]} {holds}{waits}")
    return out


class Watchdog:
    """Tells a stalled run from a running one: no progress for `stall_ms`."""

    def __init__(self, stall_ms, now):
        self.stall_ms, self.seen, self.since_ms = stall_ms, 0, now

    def stalled(self, now, progress):
        if progress != self.seen:
            self.seen, self.since_ms = progress, now
        return now - self.since_ms >= self.stall_ms


def deadlock_ending_verdict(ending, model, rounds):
    if ending["ended"] == "completed":
        return (f"{model}: both tasks finished their {rounds} rounds in "
                f"{format_ms(ending['ms'])}, no deadlock.")
    holders, waiting = ending["holders"], ending["waiting"]
    kind = "deadlock" if deadlock_cycle(holders, waiting) else "stall (no cycle of waits)"
    return (f"{model}: {kind} after {format_ms(ending['stalled_ms'])} without progress: "
            f"{'; '.join(deadlock_describe(holders, waiting))}.")


def deadlock_verdict(threads, asyn, rounds):
    """One sentence over both models' endings (the page's `deadlock::verdict`)."""
    def deadlocked(e):
        if e["ended"] == "stopped" and deadlock_cycle(e["holders"], e["waiting"]):
            return e["stalled_ms"]
        return None
    if threads is not None and deadlocked(threads) is not None and deadlocked(asyn) is not None:
        return ("Both deadlocked, each task holding one lock and waiting for the other's, until "
                f"the watchdog stopped them after {format_ms(deadlocked(threads))} (threads) "
                f"and {format_ms(deadlocked(asyn))} (asyncio) without progress.")
    if threads is not None and threads["ended"] == asyn["ended"] == "completed":
        return (f"Both finished their {rounds} rounds without a deadlock: threads in "
                f"{format_ms(threads['ms'])}, asyncio in {format_ms(asyn['ms'])}.")
    if threads is not None:
        return (f"{deadlock_ending_verdict(threads, 'Threads', rounds)} "
                f"{deadlock_ending_verdict(asyn, 'asyncio', rounds)}")
    return deadlock_ending_verdict(asyn, "asyncio", rounds)


class _Lockers:
    """The two locks and what each task is doing, shared by the tasks and the watchdog."""

    def __init__(self, lock_type):
        self.locks = [lock_type(), lock_type()]
        self.holders, self.waiting, self.progress = [None, None], [None, None], [0, 0]


def demo_deadlock(order, hold_ms, stall_ms, rounds):
    """Two tasks take lock_a and lock_b, holding the first `hold_ms` before asking for the
    second, `rounds` times; a watchdog stops the run once no task made progress for
    `stall_ms` and reads from the locks who holds what. Threads (threading.Lock, taken with
    a timeout so a stopped thread can give up), then asyncio (asyncio.Lock; stopped tasks
    are cancelled, and `async with` lets their locks go)."""
    def threads_run():
        shared, stop = _Lockers(threading.Lock), threading.Event()

        def locker(task):
            held = []
            try:
                for _ in range(rounds):
                    for i, lock in enumerate(deadlock_locks(order, task)):
                        while True:
                            if stop.is_set():
                                return "cancelled"
                            if shared.locks[lock].acquire(timeout=_RETRY_S):
                                break
                            shared.waiting[task] = lock
                        shared.holders[lock], shared.waiting[task] = task, None
                        held.append(lock)
                        shared.progress[task] += 1
                        if i == 0:
                            time.sleep(hold_ms / 1000)
                    while held:
                        lock = held.pop()
                        shared.holders[lock] = None
                        shared.locks[lock].release()
                    shared.progress[task] += 1
                return "finished"
            finally:
                shared.waiting[task] = None
                while held:
                    lock = held.pop()
                    shared.holders[lock] = None
                    shared.locks[lock].release()

        with ThreadPoolExecutor(max_workers=2) as pool:
            t0 = now_ms()
            jobs = [pool.submit(locker, task) for task in (0, 1)]
            dog = Watchdog(stall_ms, now_ms())
            ending = None
            while not all(j.done() for j in jobs):
                now = now_ms()
                if dog.stalled(now, sum(shared.progress)):
                    ending = {"ended": "stopped", "holders": list(shared.holders),
                              "waiting": list(shared.waiting), "stalled_ms": now - dog.since_ms}
                    break
                time.sleep(_WATCH_MS / 1000)
            end = now_ms()
            returned_ms = None
            if ending is None:
                ending = {"ended": "completed", "ms": end - t0}
            else:
                stop.set()
                for j in jobs:
                    j.result(timeout=_RETURN_LIMIT_MS / 1000)
                returned_ms = now_ms() - end
            ended = [j.result() for j in jobs]
            t = now_ms()
            pool.submit(lambda: None).result()
            pool_job_ms = now_ms() - t
        return dict(ending, returned_ms=returned_ms, pool_job_ms=pool_job_ms, tasks_ended=ended,
                    locks_free=all(h is None for h in shared.holders)
                    and not any(lock.locked() for lock in shared.locks))

    async def asyncio_run():
        shared = _Lockers(asyncio.Lock)

        async def locker(task):
            for _ in range(rounds):
                first, second = deadlock_locks(order, task)
                shared.waiting[task] = first
                async with shared.locks[first]:
                    shared.holders[first], shared.waiting[task] = task, None
                    shared.progress[task] += 1
                    await asyncio.sleep(hold_ms / 1000)
                    shared.waiting[task] = second
                    async with shared.locks[second]:
                        shared.holders[second], shared.waiting[task] = task, None
                        shared.progress[task] += 1
                    shared.holders[second] = None
                shared.holders[first] = None
                shared.progress[task] += 1

        t0 = now_ms()
        tasks = [asyncio.ensure_future(locker(task)) for task in (0, 1)]
        dog, ending = Watchdog(stall_ms, now_ms()), None
        while not all(t.done() for t in tasks):
            now = now_ms()
            if dog.stalled(now, sum(shared.progress)):
                ending = {"ended": "stopped", "holders": list(shared.holders),
                          "waiting": list(shared.waiting), "stalled_ms": now - dog.since_ms}
                break
            await asyncio.sleep(_WATCH_MS / 1000)
        end = now_ms()
        returned_ms = None
        if ending is None:
            ending = {"ended": "completed", "ms": end - t0}
        else:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            returned_ms = now_ms() - end
        return dict(ending, returned_ms=returned_ms, pool_job_ms=None,
                    locks_free=not any(lock.locked() for lock in shared.locks))

    threads = threads_run()
    asyn = asyncio.run(asyncio_run())
    return {"demo": "deadlock", "params": {"order": order, "hold_ms": hold_ms,
                                           "stall_ms": stall_ms, "rounds": rounds},
            "measured": {"threads": threads, "asyncio": asyn},
            "verdict": deadlock_verdict(threads, asyn, rounds)}


# The ping-pong: two tasks hand a token back and forth, each hand-over one switch from one to
# the other (`model::demos::switch`): two coroutines through two asyncio.Queue(1), two
# threads through a threading.Condition. A batch is timed whole; a switch costs the median
# batch over its switches.

def switch_us(batch_ms, switches):
    median = quantile(_sorted_finite(batch_ms), 0.5)
    return None if median is None else median * 1000 / max(switches, 1)


def format_us(v):
    """A short duration in \u00b5s as the page writes one: `0.75 \u00b5s`, `12.3 \u00b5s`."""
    if not math.isfinite(v):
        return "\u2013"
    return _below_thousand(v, "\u00b5s") if abs(v) < 1000 else format_ms(v / 1000)


def switch_verdict(async_us, threads_us, threads_label):
    """The page's rule: it holds when a hand-over between threads costs at least twice one
    between async tasks; partly when more, but less than twice; else it does not."""
    figures = (f"a switch between async tasks (asyncio.Queue) {format_us(async_us)}, "
               f"{threads_label} (threading.Condition) {format_us(threads_us)}")
    ratio = threads_us / max(async_us, sys.float_info.min)
    if threads_us >= 2 * async_us:
        return "holds", f"holds here: {figures}; threads' hand-overs cost {format_times(ratio)} an async one"
    if threads_us > async_us:
        return "partly", f"partly: threads' switches cost more, but only {format_times(ratio)}: {figures}"
    return "does-not-hold", f"does not hold here: {figures}; an async hand-over cost {format_times(1 / ratio)} a thread's"


def demo_switch(async_switches, thread_switches, batches):
    async_trips, thread_trips = -(-async_switches // 2), -(-thread_switches // 2)

    async def asyncio_run():
        there, back = asyncio.Queue(1), asyncio.Queue(1)
        batch_ms = []

        async def ping():
            for _ in range(batches):
                t0 = now_ms()
                for _ in range(async_trips):
                    await there.put(None)
                    await back.get()
                batch_ms.append(now_ms() - t0)

        async def pong():
            for _ in range(async_trips * batches):
                await there.get()
                await back.put(None)

        await asyncio.gather(ping(), pong())
        return batch_ms

    def threads_run():
        turn, changed = [0], threading.Condition()
        batch_ms = []

        def side(me):
            def wait():
                with changed:
                    while turn[0] != me:
                        changed.wait()

            def give():
                with changed:
                    turn[0] = 1 - me
                    changed.notify()

            for _ in range(batches):
                t0 = now_ms()
                for _ in range(thread_trips):
                    if me == 1:
                        wait()
                    give()
                    if me == 0:
                        wait()
                if me == 0:
                    batch_ms.append(now_ms() - t0)

        ts = [threading.Thread(target=side, args=(me,)) for me in (0, 1)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        return batch_ms

    asyn = asyncio.run(asyncio_run())
    threads = threads_run()
    a_us, t_us = switch_us(asyn, async_trips * 2), switch_us(threads, thread_trips * 2)
    gil = gil_enabled()
    label = "threads + GIL" if gil else "threads"
    holds, verdict = switch_verdict(a_us, t_us, label)
    return {"demo": "switch",
            "params": {"async_switches": async_switches, "thread_switches": thread_switches,
                       "batches": batches},
            "measured": {"asyncio": {"us_per_switch": a_us, "batch_ms": asyn},
                         "threads": {"us_per_switch": t_us, "batch_ms": threads, "gil": gil}},
            "holds": holds, "verdict": verdict}


def _timed_on_loop(main):
    """Runs the coroutine `main()` on a fresh event loop beside the probe (`_probe`): (its
    time, the loop's longest stall as `responsiveness` reads the probe), both ms."""
    async def run():
        samples = []
        probe = asyncio.ensure_future(_probe(samples))
        # The probe ticks before, and once more after, so a stall at either end is on record.
        await asyncio.sleep(1.5 * PROBE_INTERVAL_MS / 1000)
        t0 = now_ms()
        await main()
        end = now_ms()
        await asyncio.sleep(2 * PROBE_INTERVAL_MS / 1000)
        probe.cancel()
        return end - t0, responsiveness(samples, PROBE_INTERVAL_MS, t0, end)["longest_stall_ms"]
    return asyncio.run(run())


def _awaited(tasks, wait_ms):
    async def main():
        await asyncio.gather(*(asyncio.sleep(wait_ms / 1000) for _ in range(tasks)))
    return main


def thread_start_verdict(tasks, wait_ms, async_ms, threads_ms, all_running_ms):
    """The page's rule (judge_thread_per_task): it holds when a thread per task took at least
    1.5x the async tasks' time; partly when longer by less; else it does not."""
    ratio = threads_ms / max(async_ms, sys.float_info.min)
    figures = (f"{_count(tasks)} waits of {format_ms(wait_ms)}: {format_ms(async_ms)} awaited by "
               f"async tasks, {format_ms(threads_ms)} on a thread started per task "
               f"({format_times(ratio)}); starting the {_count(tasks)} threads took "
               f"{format_ms(all_running_ms)} ({format_ms(all_running_ms / max(tasks, 1))} each)")
    if ratio >= 1.5:
        return "holds", f"holds here: {figures}; the articles: 1.9\u00d7"
    if ratio > 1.1:
        return "partly", f"partly: threads were slower, by less than the articles' 1.9\u00d7: {figures}"
    return "does-not-hold", f"does not hold here: starting threads cost little beside the waits: {figures}"


def demo_thread_start(tasks, wait_ms):
    """The articles' code: asyncio.gather of the waits, against a threading.Thread started per
    request and each joined, creation inside the timed run."""
    async_ms, _ = _timed_on_loop(_awaited(tasks, wait_ms))
    created, running = [0.0] * tasks, [0.0] * tasks

    def fetch(i):
        running[i] = now_ms()
        time.sleep(wait_ms / 1000)

    t0 = now_ms()
    threads = []
    for i in range(tasks):
        created[i] = now_ms()
        t = threading.Thread(target=fetch, args=(i,))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    threads_ms = now_ms() - t0
    all_running = max(running) - min(created)
    holds, verdict = thread_start_verdict(tasks, wait_ms, async_ms, threads_ms, all_running)
    return {"demo": "thread-start", "params": {"tasks": tasks, "wait_ms": wait_ms},
            "measured": {"asyncio": {"makespan_ms": async_ms},
                         "threads": {"makespan_ms": threads_ms, "all_running_ms": all_running,
                                     "start_each_ms": all_running / tasks}},
            "holds": holds, "verdict": verdict}


def blocking_verdict(tasks, wait_ms, awaited_ms, blocking_ms, frozen_ms, pool_ms, at_once,
                     pool_stall_ms):
    """The page's rule (judge_blocking): it holds when the blocking waits inside async tasks ran
    one after another (90% of their sum or more) and froze the loop perceptibly (100 ms, or
    their sum if less), while the pool overlapped them (in 3/4 of that time at most) and left
    the loop no perceptible stall."""
    serial = wait_ms * tasks
    froze = blocking_ms >= 0.9 * serial and frozen_ms >= min(100.0, serial)
    fine = pool_ms <= 0.75 * blocking_ms and pool_stall_ms < 100.0
    rounds = wait_ms * -(-tasks // max(at_once, 1))
    figures = (f"{_count(tasks)} blocking waits of {format_ms(wait_ms)} inside async tasks took "
               f"{format_ms(blocking_ms)} (one after another: {format_ms(serial)}) and froze the "
               f"loop for {format_ms(frozen_ms)}; awaited, the same waits took "
               f"{format_ms(awaited_ms)}; on the pool's {plural(at_once, 'thread', 'threads')} "
               f"the blocking waits took {format_ms(pool_ms)} ({at_once} at a time: "
               f"{format_ms(rounds)}), the loop's longest stall {format_ms(pool_stall_ms)}")
    if froze and fine:
        return "holds", f"holds here: {figures}"
    if froze:
        return "partly", f"partly: the loop froze, but the threads did no better here: {figures}"
    return "does-not-hold", f"does not hold here: {figures}"


def demo_blocking(tasks, wait_ms, workers):
    """The articles' boto3 example: the same uploads awaited (aiohttp), blocking inside
    `async def` (time.sleep), and on a ThreadPoolExecutor from the loop (run_in_executor):
    each timed, with the loop's longest stall."""
    awaited_ms, _ = _timed_on_loop(_awaited(tasks, wait_ms))

    async def upload():
        time.sleep(wait_ms / 1000)

    async def blocking():
        await asyncio.gather(*(upload() for _ in range(tasks)))

    blocking_ms, frozen_ms = _timed_on_loop(blocking)
    at_once = min(workers, tasks)

    async def pooled():
        loop = asyncio.get_running_loop()
        with ThreadPoolExecutor(max_workers=at_once) as pool:
            await asyncio.gather(*(loop.run_in_executor(pool, time.sleep, wait_ms / 1000)
                                   for _ in range(tasks)))

    pool_ms, pool_stall = _timed_on_loop(pooled)
    holds, verdict = blocking_verdict(tasks, wait_ms, awaited_ms, blocking_ms, frozen_ms,
                                      pool_ms, at_once, pool_stall)
    return {"demo": "blocking", "params": {"tasks": tasks, "wait_ms": wait_ms, "workers": workers},
            "measured": {"awaited": {"makespan_ms": awaited_ms},
                         "blocking_async": {"makespan_ms": blocking_ms,
                                            "longest_stall_ms": frozen_ms},
                         "pool": {"makespan_ms": pool_ms, "threads": at_once,
                                  "longest_stall_ms": pool_stall}},
            "holds": holds, "verdict": verdict}


def format_bytes(v):
    """Bytes as the page writes them: `98 B`, `12.3 KB`, `97.9 MB`, `1.20 GB`."""
    if not math.isfinite(v):
        return "\u2013"
    for limit, scale, unit in ((1e3, 1, "B"), (1e6, 1e3, "KB"), (1e9, 1e6, "MB")):
        if abs(v) < limit:
            return f"{v:.0f} B" if unit == "B" else _below_thousand(v / scale, unit)
    return _below_thousand(v / 1e9, "GB")


def scale_verdict(tasks, held_bytes, started, ms, refused):
    """The page's rule (judge_scale), in CPython's words: it holds at 1,000 pending tasks or
    more per thread started; "at least" when the bound, not the OS, stopped the count."""
    held = (f"its event loop held {_count(tasks)} pending asyncio tasks in "
            f"{format_bytes(held_bytes)} ({format_bytes(held_bytes / max(tasks, 1))} each)")
    if started == 0:
        return "partly", f"{held}; no thread started here: {refused or 'none was asked for'}"
    stopped = (f"started {plural(started, 'thread', 'threads')}, the bound (it may start more),"
               if refused is None else f"started {plural(started, 'thread', 'threads')} and no more ({refused})")
    ratio = tasks / started
    times = f"{_count(round(ratio))}\u00d7" if ratio >= 100 else format_times(ratio)
    as_many = f"{'at least ' if refused is None else ''}{times} as many tasks as threads"
    figures = f"{held}; this CPython {stopped} in {format_ms(ms)} ({format_ms(ms / started)} each): {as_many}"
    if ratio >= 1000:
        return "holds", f"holds here: {figures}"
    return "partly", f"partly: {figures}, short of thousands"


def pending_tasks_bytes(tasks):
    """The memory `tasks` pending asyncio tasks hold, each waiting on one Event, as
    tracemalloc counts it: what they allocated (the resident set would not grow by memory an
    earlier run freed and the allocator kept)."""
    async def hold():
        done = asyncio.Event()
        before = tracemalloc.get_traced_memory()[0]
        pending = [asyncio.ensure_future(done.wait()) for _ in range(tasks)]
        await asyncio.sleep(0)
        held = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        done.set()
        await asyncio.gather(*pending)
        return held

    tracemalloc.start()
    try:
        return asyncio.run(hold())
    finally:
        tracemalloc.stop()


def demo_scale(tasks, threads):
    """How far each model scales in this CPython: `tasks` pending asyncio tasks (each waiting
    on one Event) and the memory they hold, then threading.Threads started one after another
    (each waiting on an Event) until `threads`, or until the OS refuses one; all then let go."""
    held = pending_tasks_bytes(tasks)
    go, started, refused = threading.Event(), [], None
    t0 = now_ms()
    try:
        while len(started) < threads:
            t = threading.Thread(target=go.wait, daemon=True)
            t.start()
            started.append(t)
    except RuntimeError as e:  # "can't start new thread"
        refused = f"the OS refused the next: {e}"
    ms = now_ms() - t0
    go.set()
    for t in started:
        t.join()
    holds, verdict = scale_verdict(tasks, held, len(started), ms, refused)
    return {"demo": "scale", "params": {"tasks": tasks, "threads": threads},
            "measured": {"asyncio": {"tasks": tasks, "held_bytes": held},
                         "threads": {"started": len(started), "ms": ms, "refused": refused}},
            "holds": holds, "verdict": verdict}


ERROR_WAYS = ("gather", "settled", "cancelling", "bare", "future")


def errors_verdict(tasks, fail_ms, seen, skipped=None):
    """The page's rule (judge_errors), in Python's words: it holds when asyncio.gather raised
    the error at its await before the others were over, a bare thread's joins returned
    without it (only threading.excepthook got it) and a pool's future gave it back; partly
    when one model behaved so. `seen`: what each way of ERROR_WAYS saw; `skipped`: why a way
    missing from it did not run."""
    def ms(v):
        return format_ms(float("nan") if v is None else v)

    said = []
    for way in ERROR_WAYS:
        c = seen.get(way)
        if c is None:
            why = (skipped or {}).get(way)
            said.append(f"{way} did not run" + (f" ({why})" if why else ""))
            continue
        error = "the error" if c["said"] is None else f"\u201c{_clip(c['said'])}\u201d"
        if way == "gather":
            said.append(f"awaiting them with asyncio.gather, the caller got {error} at its await "
                        f"after {ms(c['caller_ms'])} while {plural(c['finished'], 'other', 'others')} "
                        f"ran on to {format_ms(c['others_ms'])}")
        elif way == "settled":
            said.append(f"with return_exceptions=True, as a value once all were over, after "
                        f"{ms(c['caller_ms'])}")
        elif way == "cancelling":
            said.append(f"in an asyncio.TaskGroup, {c['cancelled']} of {tasks - 1} cancelled after "
                        f"{format_ms(c['others_ms'])}")
        elif way == "bare" and c["caller_ms"] is None and c["hook_ms"] is not None:
            said.append(f"a bare thread's error never reached the code that joined it (the joins "
                        f"returned after {format_ms(c['returned_ms'])}): only threading.excepthook "
                        f"got {error}, after {ms(c['hook_ms'])}")
        elif way == "bare":
            said.append(f"a bare thread's error reached the code that joined it, after {ms(c['caller_ms'])}")
        elif c["caller_ms"] is not None:
            said.append(f"a ThreadPoolExecutor's future gave it back at result(), after {ms(c['caller_ms'])}")
        else:
            said.append("a ThreadPoolExecutor's future did not give it back")
    g, b, f = seen.get("gather"), seen.get("bare"), seen.get("future")
    async_ok = g is not None and g["caller_ms"] is not None and g["caller_ms"] < g["others_ms"]
    threads_ok = (b is not None and b["caller_ms"] is None and b["hook_ms"] is not None
                  and f is not None and f["caller_ms"] is not None)
    figures = f"one of {tasks} tasks failed after {format_ms(fail_ms)}: {'; '.join(said)}"
    if async_ok and threads_ok:
        return "holds", f"holds here: {figures}"
    if async_ok or threads_ok:
        return "partly", f"partly: {figures}"
    return "does-not-hold", f"does not hold here: {figures}"


def demo_errors(tasks, wait_ms, fail_ms):
    """One of `tasks` tasks (the second) raises after `fail_ms`, the others wait `wait_ms`:
    awaited by asyncio.gather, by gather with return_exceptions=True and in a TaskGroup
    (3.11 or later); run on bare threads (threading.excepthook hooked for the while) and on a
    ThreadPoolExecutor (each future's result() as it completes). Times are ms from each
    way's start."""
    failing, message = 1, "task 1 failed"

    def fates(ends):
        others = [e for i, e in enumerate(ends) if i != failing and e is not None]
        return {"finished": sum(1 for e in others if e[0] == "finished"),
                "cancelled": sum(1 for e in others if e[0] == "cancelled"),
                "others_ms": max((e[1] for e in others), default=0.0)}

    async def awaited(way):
        t0 = now_ms()
        ends = [None] * tasks

        async def job(i):
            try:
                await asyncio.sleep((fail_ms if i == failing else wait_ms) / 1000)
            except asyncio.CancelledError:
                ends[i] = ("cancelled", now_ms() - t0)
                raise
            if i == failing:
                ends[i] = ("failed", now_ms() - t0)
                raise RuntimeError(message)
            ends[i] = ("finished", now_ms() - t0)

        caller, said = None, None
        if way == "cancelling":
            try:
                async with asyncio.TaskGroup() as tg:
                    for i in range(tasks):
                        tg.create_task(job(i))
            except Exception as e:  # an ExceptionGroup of the one error
                caller = now_ms() - t0
                inner = getattr(e, "exceptions", [e])
                said = str(inner[0]) if inner else str(e)
            return dict(caller_ms=caller, hook_ms=None, said=said,
                        returned_ms=now_ms() - t0, **fates(ends))
        ts = [asyncio.ensure_future(job(i)) for i in range(tasks)]
        if way == "settled":
            out = await asyncio.gather(*ts, return_exceptions=True)
            bad = [r for r in out if isinstance(r, BaseException)]
            if bad:
                caller, said = now_ms() - t0, str(bad[0])
        else:
            try:
                await asyncio.gather(*ts)
            except Exception as e:
                caller, said = now_ms() - t0, str(e)
        returned = now_ms() - t0
        # gather leaves the others running: their fate once they are over.
        await asyncio.wait(ts)
        return dict(caller_ms=caller, hook_ms=None, said=said, returned_ms=returned, **fates(ends))

    def work(i, t0, ends):
        time.sleep((fail_ms if i == failing else wait_ms) / 1000)
        ends[i] = ("failed" if i == failing else "finished", now_ms() - t0)
        if i == failing:
            raise RuntimeError(message)

    def bare():
        t0, ends, hooked = now_ms(), [None] * tasks, []
        before = threading.excepthook
        threading.excepthook = lambda a: hooked.append((now_ms() - t0, str(a.exc_value)))
        try:
            ts = [threading.Thread(target=work, args=(i, t0, ends)) for i in range(tasks)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
        finally:
            threading.excepthook = before
        return dict(caller_ms=None, hook_ms=hooked[0][0] if hooked else None,
                    said=hooked[0][1] if hooked else None, returned_ms=now_ms() - t0, **fates(ends))

    def future():
        t0, ends, caller, said = now_ms(), [None] * tasks, None, None
        with ThreadPoolExecutor(max_workers=tasks) as pool:
            fs = [pool.submit(work, i, t0, ends) for i in range(tasks)]
            for f in as_completed(fs):
                try:
                    f.result()
                except Exception as e:
                    if caller is None:
                        caller, said = now_ms() - t0, str(e)
        return dict(caller_ms=caller, hook_ms=None, said=said, returned_ms=now_ms() - t0, **fates(ends))

    seen, skipped = {}, {}
    for way in ("gather", "settled", "cancelling"):
        if way == "cancelling" and not hasattr(asyncio, "TaskGroup"):
            skipped[way] = "asyncio.TaskGroup needs Python 3.11"
            continue
        seen[way] = asyncio.run(awaited(way))
    seen["bare"], seen["future"] = bare(), future()
    holds, verdict = errors_verdict(tasks, fail_ms, seen, skipped)
    return {"demo": "errors", "params": {"tasks": tasks, "wait_ms": wait_ms, "fail_ms": fail_ms},
            "measured": seen, "skipped": skipped, "holds": holds, "verdict": verdict}


DEMOS = ("interleave", "race", "queue", "deadlock", "switch", "thread-start", "blocking",
         "errors", "scale")


def run_demo(name, params, units_per_ms):
    if name == "interleave":
        return demo_interleave(params["steps"], params["runs"], units_per_ms)
    if name == "race":
        return demo_race(params["tasks"], params["increments"])
    if name == "queue":
        return demo_queue(**params)
    if name == "switch":
        return demo_switch(**params)
    if name == "thread-start":
        return demo_thread_start(**params)
    if name == "blocking":
        return demo_blocking(**params)
    if name == "errors":
        return demo_errors(**params)
    if name == "scale":
        return demo_scale(**params)
    return demo_deadlock(**params)


# The claims report ("Judge every claim" in CPython): the page's claims, in its order
# (model::findings::claims::CLAIMS; tests/twin.rs holds the two equal): key, the claim, the
# articles' figure, and for a claim judged on runs its experiment and strategies ("" for one
# judged on a measurement of its own).
CLAIMS = (
    ('requests',
     '50 requests of 0.1 s: sequential code takes 50 × 0.1 s; threads and asyncio overlap the waits, asyncio best.',
     '5.2 s sequential, 0.35 s threads, 0.18 s asyncio',
     'v=1&workload=io&tasks=50&io_ms=100&jitter=none&threads=16&pool=16',
     'sequential,threads,async'),
    ('thread-start',
     'Thread creation has real costs: with one thread per request, asyncio is about 2× faster than threading for pure I/O.',
     '50 requests of 0.1 s: 0.35 s with a thread started per request, 0.18 s with asyncio (1.9×)',
     '',
     ''),
    ('gil',
     "Threads don't speed up CPU-bound Python: the GIL lets one thread compute at a time.",
     'about 1× with threads; CPython 3.11.7 (reference run: Linux x86-64, 2 cores, November 2026): 0.99×',
     'v=1&workload=cpu&tasks=16&cpu_ms=50&threads=2',
     'sequential,threads,gil'),
    ('coroutines',
     'Coroutines are cheap: 10,000 of them take about 10 MB.',
     '10,000 coroutines ~ 10 MB; CPython 3.11.7 (reference run: Linux x86-64, 2 cores, November 2026): 12.4 MB (1.24 KB each)',
     '',
     ''),
    ('never-block',
     'Never block the event loop: one coroutine that computes without awaiting freezes every other.',
     'a blocking call stalls the whole loop for its duration',
     'v=1&workload=mixed&tasks=10&io_ms=50&cpu_ms=100&rounds=2&yield_every_ms=0',
     'async'),
    ('blocking',
     'A blocking library freezes asyncio: time.sleep or requests.get inside async def blocks the whole loop; threads run it fine.',
     'time.sleep(5) inside async def blocks the whole loop for 5 s; 100 boto3 uploads run on ThreadPoolExecutor(max_workers=20)',
     '',
     ''),
    ('run-in-executor',
     'Use run_in_executor (or to_thread) for blocking work: the event loop stays responsive.',
     'offloading keeps the loop free while the work runs on a thread pool',
     'v=1&workload=cpu&tasks=40&cpu_ms=20&threads=2&yield_every_ms=0',
     'async,executor'),
    ('interleaving',
     'Threads can be interrupted anywhere; asyncio switches only at await.',
     "do_first / do_second: the threads' output order varies, asyncio's does not",
     '',
     ''),
    ('thread-memory',
     'Each thread costs about 8 MB.',
     '~8 MB per thread; CPython 3.11.7 (reference run: Linux x86-64, 2 cores, November 2026): 9.4 MB reserved, 16.6 KB resident per blocked thread',
     '',
     ''),
    ('shared-state',
     'Both models have race conditions and deadlocks, and both need locks.',
     'counter += 1 loses updates in threads; an await between read and write does in asyncio; two locks in opposite order deadlock in both',
     '',
     ''),
    ('multiprocessing',
     "For CPU-bound work, use multiprocessing: threads don't help because of the GIL; processes run truly in parallel.",
     'processes compute in parallel, each with its own interpreter and GIL; threads under the GIL, one at a time',
     'v=1&workload=cpu&tasks=16&cpu_ms=50&threads=2',
     'sequential,gil,processes'),
    ('responsive',
     'Threads keep a program responsive while they work: the main thread stays free.',
     'each sensor polled in its own thread, without freezing the main program',
     'v=1&workload=cpu&tasks=4&cpu_ms=200&threads=2&yield_every_ms=0',
     'sequential,threads'),
    ('queues',
     'Both models provide safe queues: asyncio.Queue between coroutines, queue.Queue between threads.',
     'producer-consumer through a bounded queue in either model, without locks of your own',
     '',
     ''),
    ('switches',
     'Context switches: switching between async tasks is cheap, switching between threads is heavier.',
     'the comparison table: asyncio has low context-switch overhead, threads higher (the OS switches them)',
     '',
     ''),
    ('scale',
     'asyncio scales thousands of times further than threads: 10,000 threads would need about 80 GB, and the OS refuses above about 1,000.',
     '10,000 threads ~ 80 GB (8 MB each); the OS refuses above ~1,000 threads; 10,000 coroutines in ~10 MB (8,000× less)',
     '',
     ''),
    ('errors',
     'Errors propagate through await points in asyncio; errors in threads are isolated and need careful handling.',
     "the comparison table: asyncio propagates errors through await; a thread's error stays in it (threading.excepthook, a future's result())",
     '',
     ''),
)
REPORT_FORMAT = "async-vs-threads/claims"
UNITS = {"ms": format_ms, "us": format_us, "bytes": format_bytes, "times": format_times,
         "count": lambda v: _count(round(v)) if math.isfinite(v) and v >= 0 else "\u2013"}


def _bar(key, label, value, articles=None):
    return {"key": key, "label": label, "value": value, "articles": articles}


def coroutines_verdict(tasks, held):
    """The page's rule (judge_task_memory): it holds when 10,000 pending tasks would hold at
    most 1.25x the articles' 10 MB at the rate measured."""
    scaled = held / max(tasks, 1) * 10_000
    figures = (f"{_count(tasks)} pending asyncio tasks held {format_bytes(held)} here "
               f"({format_bytes(held / max(tasks, 1))} each); at that rate 10,000 hold "
               f"{format_bytes(scaled)}")
    if scaled <= 10e6 * 1.25:
        return "holds", (f"holds, and then some: {figures}, {format_times(10e6 / max(scaled, 1.0))} "
                         "less than the articles' 10 MB")
    return "does-not-hold", f"does not hold here: {figures}, more than the articles' 10 MB"


def interleaving_verdict(asyn, threads):
    """The page's rule (judge_interleaving): it holds when every asyncio run logged one order
    and threads more than one; partly when the threads never overlapped."""
    a = f"asyncio logged {plural(asyn['distinct'], 'order', 'orders')} in {asyn['runs']} runs"
    th = (f"threads logged {plural(threads['distinct'], 'order', 'orders')} in {threads['runs']} "
          f"runs ({threads['fewest_switches']} to {threads['most_switches']} switches a run)")
    if asyn["distinct"] == 1 and threads["distinct"] > 1:
        return "holds", f"holds: {a}; {th}"
    if asyn["distinct"] == 1:
        return "partly", f"partly (the threads never overlapped in these runs): {a}; {th}"
    return "does-not-hold", f"does not hold here: {a}; {th}"


def shared_state_verdict(outcomes, threads_ending, async_ending):
    """The page's rule (judge_shared_state): it holds when both unsynchronised counters lost
    updates, every fix counted exactly, and two locks taken in opposite order deadlocked in
    both models; partly when asyncio raced and deadlocked."""
    lost = {o["variant"]: o["lost"] for o in outcomes}
    fixes_exact = all(o["lost"] == 0 for o in outcomes if not o["variant"].endswith("-unsync"))

    def deadlocked(e):
        return e["ended"] == "stopped" and deadlock_cycle(e["holders"], e["waiting"]) is not None

    def race(variant, model):
        n = lost.get(variant)
        return f"{model} did not run" if n is None else f"{model} lost {plural(n, 'update', 'updates')}"

    threads_dl = "deadlocked" if deadlocked(threads_ending) else "did not deadlock"
    text = (f"{race('threads-unsync', 'threads')}, {race('async-unsync', 'async')}; with a lock "
            f"every counter was exact{'' if fixes_exact else ' (not every one here)'}; two locks "
            f"in opposite order: threads {threads_dl}, async "
            f"{'deadlocked' if deadlocked(async_ending) else 'did not deadlock'}")
    both_race = lost.get("threads-unsync", 0) > 0 and lost.get("async-unsync", 0) > 0
    if both_race and deadlocked(threads_ending) and deadlocked(async_ending) and fixes_exact:
        return "holds", f"holds: {text}"
    if lost.get("async-unsync", 0) > 0 and deadlocked(async_ending):
        return "partly", f"partly: {text}"
    return "does-not-hold", f"does not hold here: {text}"


def thread_memory(threads=256):
    """What a blocked thread costs this process: the address space set aside for it (its
    stack, and the C allocator's per-thread arenas, shared among the first few) and its
    resident memory, each the growth over `threads` threads waiting on an Event (the scaling
    claim's bound), over `threads`; None where /proc has no figures (not Linux)."""
    before = (_rss_bytes(field="VmSize"), _rss_bytes())
    if None in before:
        return None
    go, ts = threading.Event(), []
    try:
        for _ in range(threads):
            ts.append(threading.Thread(target=go.wait, daemon=True))
            ts[-1].start()
        during = (_rss_bytes(field="VmSize"), _rss_bytes())
    finally:
        go.set()
        for t in ts:
            t.join()
    return {"threads": threads, "reserved": (during[0] - before[0]) / threads,
            "held": (during[1] - before[1]) / threads}


def thread_memory_verdict(reserved, held):
    """The page's rule (judge_thread_memory): it holds when a thread really holds megabytes
    (half the articles' 8 MB or more); partly when the 8 MB is only set aside."""
    figures = (f"a thread sets aside {format_bytes(reserved)} of address space (its stack, "
               f"and the C allocator's arenas) and holds {format_bytes(held)} resident")
    if held >= 8e6 / 2:
        return "holds", f"holds: {figures}, near the articles' 8 MB"
    return "partly", (f"partly: {figures}; the 8 MB is address space set aside, not memory "
                      "used")


def judge_claim(key, units_per_ms):
    """Judges the claim `key` in this CPython, with the page's sizes and rule: (holds, verdict,
    unit, figures). Raises LookupError with why when the twin does not judge it."""
    def demo(name):
        return run_demo(name, demo_params(name)[0], units_per_ms)

    if key == "thread-start":
        r = demo("thread-start")
        a, t = r["measured"]["asyncio"], r["measured"]["threads"]
        return r["holds"], r["verdict"], "ms", [
            _bar("awaited", "awaited (asyncio)", a["makespan_ms"], 180.0),
            _bar("thread-per-task", "a thread per task", t["makespan_ms"], 350.0),
            _bar("starting", "starting threads", t["all_running_ms"])]
    if key == "blocking":
        r = demo("blocking")
        m = r["measured"]
        return r["holds"], r["verdict"], "ms", [
            _bar("awaited", "awaited (asyncio)", m["awaited"]["makespan_ms"]),
            _bar("blocking-async", "blocking in async", m["blocking_async"]["makespan_ms"]),
            _bar("frozen", "loop frozen", m["blocking_async"]["longest_stall_ms"]),
            _bar("pool", "pool threads", m["pool"]["makespan_ms"])]
    if key == "switches":
        r = demo("switch")
        m = r["measured"]
        return r["holds"], r["verdict"], "us", [
            _bar("async", "async tasks (asyncio.Queue)", m["asyncio"]["us_per_switch"]),
            _bar("gil" if m["threads"]["gil"] else "threads",
                 "threads + GIL" if m["threads"]["gil"] else "threads (threading.Condition)",
                 m["threads"]["us_per_switch"])]
    if key == "scale":
        r = demo("scale")
        m = r["measured"]
        return r["holds"], r["verdict"], "count", [
            _bar("async", "pending async tasks held", m["asyncio"]["tasks"]),
            _bar("workers", "threads started", m["threads"]["started"], 1_000.0)]
    if key == "errors":
        r = demo("errors")
        bars = []
        for way, label in zip(ERROR_WAYS, ("await gather", "return_exceptions", "TaskGroup",
                                           "excepthook", "future.result()")):
            # When the error got out: to the caller, or else to the hook.
            c = r["measured"].get(way) or {}
            seen = c.get("caller_ms") if c.get("caller_ms") is not None else c.get("hook_ms")
            if seen is not None:
                bars.append(_bar(way, label, seen))
        return r["holds"], r["verdict"], "ms", bars
    if key == "coroutines":
        held = pending_tasks_bytes(10_000)
        holds, verdict = coroutines_verdict(10_000, held)
        return holds, verdict, "bytes", [_bar("async", "10,000 pending async tasks", held, 10e6)]
    if key == "interleaving":
        r = demo("interleave")
        a, t = r["measured"]["asyncio"], r["measured"]["threads"]
        holds, verdict = interleaving_verdict(a, t)
        return holds, verdict, "count", [_bar("async", "async: orders logged", a["distinct"]),
                                         _bar("threads", "threads: orders logged", t["distinct"])]
    if key == "thread-memory":
        m = thread_memory()
        if m is None:
            raise LookupError("this system's /proc has no memory figures (Linux has)")
        holds, verdict = thread_memory_verdict(m["reserved"], m["held"])
        return holds, verdict, "bytes", [
            _bar("reserved", "a thread's address space", m["reserved"], 8e6),
            _bar("held", "resident per thread", m["held"])]
    if key == "queues":
        # The page's sizes: 2,000 items through a queue of 4, at full speed.
        items, capacity = 2_000, 4
        m = run_demo("queue", {"items": items, "capacity": capacity, "produce_us": 0,
                               "consume_us": 0, "work": "compute"}, units_per_ms)["measured"]
        a, t = m["asyncio"]["delivery"], m["threads"]["delivery"]
        holds, verdict = queues_verdict(items, capacity, a, t)

        def once(d):
            return items - d["lost"] - d["repeated"] - d["out_of_order"]
        return holds, verdict, "count", [
            _bar("async", "asyncio.Queue: items once, in order", once(a)),
            _bar("threads", "queue.Queue: items once, in order", once(t))]
    if key == "shared-state":
        # The page's sizes: 4 tasks of 5,000 increments; the deadlock demo's defaults.
        race = run_demo("race", {"tasks": 4, "increments": 5_000}, units_per_ms)
        dead = demo("deadlock")["measured"]
        outcomes = race["measured"]["outcomes"]
        holds, verdict = shared_state_verdict(outcomes, dead["threads"], dead["asyncio"])
        lost = {o["variant"]: o["lost"] for o in outcomes}
        return holds, verdict, "count", [
            _bar("threads", "threads: updates lost", lost["threads-unsync"]),
            _bar("async", "async: updates lost", lost["async-unsync"])]
    raise LookupError(f"the twin does not judge the claim {key!r}: the page does")


def claim_runs(query, strategies, units_per_ms):
    """A claim judged on runs: its experiment's `strategies` (comma-separated) run here, with
    Threads + GIL beside Threads (a default CPython's threads, which the page judges in their
    place), for the page to judge on import."""
    asked = strategies.split(",") + (["gil"] if "threads" in strategies else [])
    params = decode(query)[0]
    return run_strategies(params, [s for s in STRATEGIES if s in asked], units_per_ms)[0]


def claims_report(units_per_ms, runs_file, on_row=None, judge=judge_claim, run=claim_runs):
    """Every claim in the page's order: judged here where the twin can (`judge`); a claim
    judged on runs has its experiment run here (`run`), for the page to judge on importing
    `runs_file`. The page's claims report (`async-vs-threads/claims` v1) as a dict, and every
    run made."""
    build, gil = interpreter_build()
    environment = (f"{platform.python_implementation()} {platform.python_version()} ({build} "
                   f"build, GIL {'on' if gil else 'off'}), {platform.system()} "
                   f"{platform.machine()}, {os.cpu_count()} cores")
    rows, made = [], []
    for key, text, articles, query, strategies in CLAIMS:
        t0 = now_ms()
        row = {"key": key, "claim": text, "articles": articles}
        if query:
            runs = run(query, strategies, units_per_ms)
            made.extend(runs)
            row.update(holds="skipped",
                       skipped=f"judged on runs: the page judges them with its rule when "
                               f"{runs_file} is imported",
                       runs=[{"strategy": r["strategy"], "query": r["params"],
                              "makespan_ms": r["makespan_ms"],
                              "checksum": r["digest"]["checksum"]} for r in runs])
        else:
            try:
                holds, verdict, unit, figures = judge(key, units_per_ms)
                row.update(holds=holds, verdict=verdict, unit=unit, figures=figures)
            except LookupError as why:
                row.update(holds="skipped", skipped=str(why))
        row["took_ms"] = now_ms() - t0
        rows.append(row)
        if on_row:
            on_row(row)
    at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return {"format": REPORT_FORMAT, "version": 1, "environment": environment, "at": at,
            "claims": rows}, made


def report_markdown(report):
    """The report as the page copies it: a heading, where and when, and a table."""
    tally = collections.Counter(r["holds"] for r in report["claims"])

    def cell(text):
        return text.replace("|", "\\|").replace("\n", " ").replace("\r", " ")

    out = [f"### The asyncio-vs-threading claims, judged in CPython", "",
           cell(f"Measured in {report['environment']} on {report['at']}. {tally['holds']} hold, "
                f"{tally['partly']} partly, {tally['does-not-hold']} do not, "
                f"{tally['skipped']} skipped."), "",
           "| Claim | The articles | Measured | Verdict |", "|---|---|---|---|"]
    for r in report["claims"]:
        if "figures" in r:
            fmt = UNITS[r["unit"]]
            figures = ", ".join(f"{f['label']} {fmt(f['value'])}" for f in r["figures"])
            verdict = r["verdict"]
        else:
            figures, verdict = "\u2013", f"skipped: {r['skipped']}"
        out.append(f"| {cell(r['claim'])} | {cell(r['articles'])} | {cell(figures)} | {cell(verdict)} |")
    return "\n".join(out) + "\n"


# The command line.

OUT = "async-vs-threads-cpython.json"
CLAIMS_OUT = "async-vs-threads-cpython-claims.json"


def _query_of(text):
    """A query from what was given: a query, with or without `?`, or a whole link."""
    text = text.strip().split("#", 1)[0]
    if "://" in text or (not text.startswith("?") and "?" in text):
        return text.split("?", 1)[1] if "?" in text else ""
    return text


def _parser():
    p = argparse.ArgumentParser(
        prog="async_vs_threads.py",
        description="Runs the Async vs Threads playground's experiment in this CPython, each "
                    "strategy the Python way, and writes the page's export format: open the "
                    "page, Import, and choose the file.",
        epilog="With --same-units or --demos/--demo, only those run, unless --strategies is "
               "given too.")
    p.add_argument("query", nargs="?",
                   help="the experiment, as the page's link or its query "
                        "(workload=io&tasks=50&...), with or without '?'; default: the QUERY "
                        "line at the top of this file")
    p.add_argument("--out", default=OUT, metavar="FILE",
                   help=f"where to write the runs (default: {OUT}; '-': standard output)")
    p.add_argument("--strategies", metavar="A,B,...",
                   help=f"the strategies to run, of {','.join(STRATEGIES)} (default: all; the "
                        "query's own strategy is only the one the page was showing)")
    p.add_argument("--same-units", type=int, metavar="N",
                   help="run the experiment's first N tasks one after another on the page's "
                        "kernel units (PAGE_UNITS_PER_MS), for the page's checksums")
    p.add_argument("--demos", action="store_true",
                   help="run the demos (and the context-switch claim's ping-pong)")
    p.add_argument("--demo", action="append", choices=DEMOS, metavar="NAME",
                   help=f"run one demo ({', '.join(DEMOS)}); may be repeated")
    p.add_argument("--with", dest="demo_with", action="append", default=[], metavar="KEY=VALUE",
                   help="a demo parameter, e.g. increments=5000 (the page's bounds)")
    p.add_argument("--claims", action="store_true",
                   help="judge every claim the twin can, with the page's sizes and rules, and "
                        f"write the page's claims report (--out; default: {CLAIMS_OUT}) and "
                        "its Markdown (standard output)")
    p.add_argument("--units-per-ms", type=float, metavar="X",
                   help="the kernel's units per ms to use instead of calibrating here")
    p.add_argument("--quiet", action="store_true", help="print only notices and errors")
    return p


def _demo_texts(pairs, demos):
    """The --with pairs per demo, or an error."""
    texts = {d: {} for d in demos}
    for pair in pairs:
        key, eq, value = pair.partition("=")
        key = _trim(key)
        owners = [d for d in demos if key in DEMO_PARAMS[d]]
        if not eq or not owners:
            return None, (f"--with {pair}: not KEY=VALUE of a parameter of "
                          f"{', '.join(demos) or 'no demo'}")
        for d in owners:
            texts[d][key] = value
    return texts, None


def _header(units_per_ms, calibrated, params):
    """Which interpreter this is, how fast its kernel runs (when it was measured or given),
    the page's, and the experiment."""
    build, gil = interpreter_build()
    lines = [f"Async vs Threads in {platform.python_implementation()} {platform.python_version()}"
             f" ({build} build, GIL {'on' if gil else 'off'}), {platform.system()} "
             f"{platform.machine()}, {os.cpu_count()} cores"]
    if units_per_ms is not None:
        lines.append(f"kernel: {units_per_ms:,.0f} units per ms here "
                     f"({'calibrated' if calibrated else 'as given'}); cpu_ms={params['cpu_ms']} "
                     f"is {units_for(units_per_ms, params['cpu_ms']):,} units")
    if PAGE_UNITS_PER_MS:
        speed = f", {format_times(PAGE_UNITS_PER_MS / units_per_ms)} this one's speed" \
            if units_per_ms else ""
        lines.append(f"the page's kernel: {PAGE_UNITS_PER_MS:,.0f} units per ms"
                     f"{f' in {PAGE_BROWSER}' if PAGE_BROWSER else ''}{speed}")
    lines.append(f"experiment: {encode(params)}")
    return lines


def main(argv=None):
    args = _parser().parse_args(argv)
    text = sys.stderr if args.out == "-" else sys.stdout

    def tell(line):
        print(line, file=text, flush=True)

    def say(line=""):
        if not args.quiet:
            tell(line)

    params, _, notices, errors = decode(QUERY if args.query is None else _query_of(args.query))
    for notice in notices:
        tell(f"notice: {notice}")
    for error in errors:
        tell(f"error: {error}")
    if errors:
        return 2
    if args.strategies is not None:
        asked = [s.strip() for s in args.strategies.split(",") if s.strip()]
        unknown = [s for s in asked if s not in STRATEGIES]
        if unknown or not asked:
            tell(f"error: --strategies {args.strategies}: choose from {', '.join(STRATEGIES)}")
            return 2
        strategies = [s for s in STRATEGIES if s in asked]
    elif args.demos or args.demo or args.same_units is not None:
        strategies = []
    else:
        strategies = list(STRATEGIES)
    demos = list(DEMOS) if args.demos else [d for d in DEMOS if d in (args.demo or [])]
    texts, error = _demo_texts(args.demo_with, demos)
    demo_settings = {}
    for d in demos if error is None else []:
        demo_settings[d], bad = demo_params(d, texts[d])
        error = error or (bad[0] if bad else None)
    if error:
        tell(f"error: {error}")
        return 2
    if args.same_units is not None:
        if PAGE_UNITS_PER_MS is None:
            tell("error: --same-units needs the page's kernel units, and PAGE_UNITS_PER_MS is "
                 "None: download this file from the page, which writes its units there")
            return 2
        if args.same_units < 1:
            tell("error: --same-units needs at least 1 task")
            return 2

    units_per_ms, calibrated = args.units_per_ms, False
    if units_per_ms is None and (strategies or "interleave" in demos or args.claims):
        units_per_ms, calibrated = calibrate(), True
    for line in _header(units_per_ms, calibrated, params):
        say(line)
    extra = {}
    if args.claims:
        say()
        out = CLAIMS_OUT if args.out == OUT else args.out
        runs_file = os.path.join(os.path.dirname(os.path.abspath(out if out != "-" else OUT)), OUT)
        report, runs = claims_report(units_per_ms, runs_file, on_row=lambda r: say(
            f"{r['key']:<16} {r['holds']:<14} {r.get('verdict') or r['skipped']}"))
        # Its verdicts go with the runs: on Import the page shows them beside its own.
        with open(runs_file, "w", encoding="utf-8") as f:
            f.write(export(runs, params, {"claims": report["claims"]}) + "\n")
        document = json.dumps(_finite(report), ensure_ascii=False, separators=(",", ":"))
        if out == "-":
            sys.stdout.write(document + "\n")
            return 0
        with open(out, "w", encoding="utf-8") as f:
            f.write(document + "\n")
        say()
        say(report_markdown(report))
        say(f"wrote {os.path.abspath(out)}: the page's claims report (async-vs-threads/claims v1)")
        say(f"wrote {runs_file}: the runs of the claims judged on runs, and the verdicts above; "
            "open the page, Import, choose this file, and the page judges the runs and shows "
            "the verdicts beside its own")
        return 0

    if strategies:
        say()
        say(f"{'strategy':<11} {'makespan':>13} {'speedup':>8}  {'checksum'}")
        base = {}

        def row(strategy, run, why):
            if run is None:
                say(f"{strategy:<11} skipped: {why}")
                return
            makespan = run["makespan_ms"]
            base.setdefault("sequential", makespan if strategy == "sequential" else None)
            seq = base["sequential"]
            speedup = format_times(seq / makespan) if seq and makespan > 0 else "\u2013"
            failed = f"  failed: {run['why']}" if run["why"] else ""
            say(f"{strategy:<11} {makespan:>10,.1f} ms {speedup:>8}  "
                f"{run['digest']['checksum']}{failed}")
        runs, skipped = run_strategies(params, strategies, units_per_ms, on_run=row)
        sums = {r["digest"]["checksum"] for r in runs if r["outcome"] == "done"}
        if len(sums) == 1:
            say(f"every run's checksum is {sums.pop()}: the same work, whatever the strategy")
        elif len(sums) > 1:
            tell(f"error: the runs' checksums differ: {', '.join(sorted(sums))}")
        if skipped:
            extra["skipped"] = skipped
    else:
        runs = []

    if args.same_units is not None:
        n = min(args.same_units, params["tasks"])
        say()
        say(f"the first {n} of {params['tasks']} tasks on the page's units "
            f"({units_for(PAGE_UNITS_PER_MS, params['cpu_ms']):,} per computation), one after "
            "another:")
        same = same_units(params, PAGE_UNITS_PER_MS, n)
        for t in same["tasks"]:
            say(f"  task {t['task']}: {t['checksum']}")
        say(f"  combined: {same['checksum']}")
        extra["same_units"] = same

    if demos:
        results = []
        for d in demos:
            say()
            say(f"demo {d} ({', '.join(f'{k}={v}' for k, v in demo_settings[d].items())}):")
            result = run_demo(d, demo_settings[d], units_per_ms)
            say(f"  {result['verdict']}")
            if d == "race":
                plus = result["measured"]["plain_plus_equals"]
                say(f"  (a plain `counter += 1` lost {_count(plus['lost'])} here)")
            results.append(result)
        extra["demos"] = results

    document = export(runs, params, extra)
    if args.out == "-":
        sys.stdout.write(document + "\n")
    else:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(document + "\n")
        say()
        hint = ": open the page, Import, choose this file" if runs else ""
        say(f"wrote {os.path.abspath(args.out)}{hint}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
