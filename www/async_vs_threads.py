"""Async vs Threads, in your own CPython: the twin of the playground's experiments.

The playground (a Rust/WebAssembly page) runs each experiment in the browser; this file runs
the same experiment in the CPython that runs it. Standard library only, Python 3.9 or later.

This part is the experiment's work, with the same bits as the page: each task's waits (their
seeded jitter) and computations (the page's kernel), and the checksums that prove which work
was done. A wait's checksum is the same here, in every browser and in the page's native
build; so is a kernel's for the same units.
"""

import math
import re
import struct

MASK = (1 << 64) - 1

# The experiment's link, read with the page's rules (`model::experiment::url` and `params`):
# the same keys, aliases, bounds and messages. Held to tests/fixtures/queries.txt, which the
# page's codec is held to too.

VERSION = 1
FIELDS = ("workload", "tasks", "io_ms", "cpu_ms", "jitter", "rounds", "threads",
          "yield_every_ms", "switch_ms", "seed", "strategy")
DEFAULTS = {"workload": "io", "tasks": "50", "io_ms": "100", "cpu_ms": "20", "jitter": "none",
            "rounds": "1", "threads": "2", "yield_every_ms": "5", "switch_ms": "5", "seed": "1",
            "strategy": "async"}
BOUNDS = {"tasks": (1, 1_000_000), "io_ms": (0, 10_000), "cpu_ms": (0, 2_000),
          "rounds": (1, 100), "threads": (1, 128), "yield_every_ms": (0, 1_000),
          "switch_ms": (1, 100), "seed": (0, 2**32 - 1)}
WORKLOADS = ("io", "cpu", "mixed")
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
    parts = [f"v={VERSION}"] + [f"{f}={_escape(texts[f])}" for f in FIELDS]
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
