"""Async vs Threads, in your own CPython: the twin of the playground's experiments.

The playground (a Rust/WebAssembly page) runs each experiment in the browser; this file runs
the same experiment in the CPython that runs it. Standard library only, Python 3.9 or later.

This part is the experiment's work, with the same bits as the page: each task's waits (their
seeded jitter) and computations (the page's kernel), and the checksums that prove which work
was done. A wait's checksum is the same here, in every browser and in the page's native
build; so is a kernel's for the same units.
"""

import math
import struct

MASK = (1 << 64) - 1


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
