"""The twin's strategies: every one does the experiment's work (the page's checksums), and
writes records the page's reader takes (its keys, its rules, its lanes)."""

import json
import pathlib
import re
import sys
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "www"))

import async_vs_threads as twin  # noqa: E402

# Kernel units per ms for the tests: fixed, so units and checksums are too (cpu_ms=5 is 1,000
# units, a few ms of CPython's time).
UNITS_PER_MS = 200.0
EXPERIMENTS = (
    "workload=io&tasks=5&io_ms=20",
    "workload=cpu&tasks=4&cpu_ms=5&yield_every_ms=1",
    "workload=mixed&tasks=4&io_ms=10&cpu_ms=5&rounds=2&jitter=uniform:50&threads=3",
    "workload=mixed&tasks=4&io_ms=10&cpu_ms=5&jitter=tail&waits=blocking&threads=2",
)


def run_fields():
    """The run's fields of the page's `store::fields::FIELDS`, as (group, key), in order."""
    text = (ROOT / "src/model/store/fields.rs").read_text(encoding="utf-8")
    text = text[text.index("pub static FIELDS"):text.index("pub struct FieldError")]
    found = [(m.start(), m.group(1), m.group(2)) for m in
             re.finditer(r'field!\((\w+), "(\w+)"', text)]
    found += [(m.start(), m.group(1), m.group(2)) for m in
              re.finditer(r'group: Group::(\w+),\s*key: "(\w+)"', text)]
    found += [(m.start(), "Environment", m.group(1)) for m in
              re.finditer(r'environment_field!\("(\w+)"', text)]
    return [(group, key) for _, group, key in sorted(found)]


GROUP_KEYS = {"Responsiveness": "responsiveness", "Scheduler": "scheduler",
              "Startup": "startup", "Digest": "digest", "Environment": "environment"}


class Strategies(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.results = {}
        for query in EXPERIMENTS:
            params = twin.decode(query)[0]
            runs, skipped = twin.run_strategies(params, twin.STRATEGIES, UNITS_PER_MS)
            cls.results[query] = (params, runs, skipped)

    def test_every_strategy_does_the_experiments_work(self):
        build, gil = twin.interpreter_build()
        for query, (params, runs, skipped) in self.results.items():
            units = twin.units_for(UNITS_PER_MS, params["cpu_ms"])
            want = f"{twin.run_checksum(params, units):016x}"
            ran = [r["strategy"] for r in runs]
            with self.subTest(query=query):
                self.assertEqual(sorted(ran + [s["strategy"] for s in skipped]),
                                 sorted(twin.STRATEGIES))
                for run in runs:
                    self.assertEqual(run["outcome"], "done", run["why"])
                    self.assertEqual(run["digest"]["checksum"], want, run["strategy"])
                    self.assertEqual(run["digest"]["tasks_done"], params["tasks"])
                    checksums = [int(t["checksum"], 16) for t in run["tasks"]]
                    self.assertEqual(f"{twin.combine(checksums):016x}", want)
                if gil:
                    self.assertEqual(ran, ["sequential", "async", "gil", "executor", "processes"])
                    self.assertEqual([s["strategy"] for s in skipped], ["threads"])
                    self.assertIn("GIL", skipped[0]["why"])

    def test_records_are_consistent_and_on_the_specified_lanes(self):
        for query, (params, runs, _) in self.results.items():
            for run in runs:
                strategy = run["strategy"]
                with self.subTest(query=query, strategy=strategy):
                    lanes = set()
                    self.assertEqual(sorted(t["task"] for t in run["tasks"]),
                                     list(range(params["tasks"])))
                    for t in run["tasks"]:
                        lanes.add(t["lane"])
                        self.assertLessEqual(0, t["start_ms"])
                        self.assertLessEqual(t["start_ms"], t["end_ms"])
                        self.assertLessEqual(t["end_ms"], run["makespan_ms"])
                        cpu = wait = 0.0
                        for seg in t["segments"]:
                            kind, start, end = seg[:3]
                            self.assertIn(kind, ("cpu", "wait"))
                            self.assertLessEqual(t["start_ms"] - 1e-9, start)
                            self.assertLessEqual(start, end)
                            self.assertLessEqual(end, t["end_ms"] + 1e-9)
                            if len(seg) == 4:
                                # Handed to the executor: computations, and blocking waits.
                                kinds = ("cpu", "wait") if params["waits"] == "blocking" else ("cpu",)
                                self.assertEqual(strategy, "executor")
                                self.assertIn(kind, kinds)
                                self.assertRegex(seg[3], r"^w\d+$")
                                self.assertNotEqual(seg[3], t["lane"])
                            cpu += end - start if kind == "cpu" else 0.0
                            wait += end - start if kind == "wait" else 0.0
                        self.assertAlmostEqual(t["wait_ms"], wait, places=6)
                        self.assertLessEqual(cpu - 1e-6, t["cpu_ms"] + 0.05 * len(t["segments"]))
                        self.assertEqual(t["lock_ms"], 0)
                        self.assertRegex(t["checksum"], r"^[0-9a-f]{16}$")
                    pattern = {"sequential": r"^main$", "async": r"^main$", "executor": r"^main$",
                               "threads": r"^w\d+$", "gil": r"^w\d+$", "processes": r"^p\d+$"}
                    for lane in lanes:
                        self.assertRegex(lane, pattern[strategy])
                    if strategy in ("threads", "gil", "processes"):
                        numbers = sorted(int(lane[1:]) for lane in lanes)
                        self.assertEqual(numbers, list(range(len(numbers))), "first use, from 0")
                        self.assertLessEqual(len(numbers), params["threads"])
                    # The digest is the page's Digest::of of these records.
                    self.assertEqual(run["digest"], twin.digest(run["tasks"], run["makespan_ms"]))
                    self.assertEqual(run["makespan_ms"], max(t["end_ms"] for t in run["tasks"]))

    def test_each_run_says_what_measured_it(self):
        for _, (params, runs, _) in self.results.items():
            for run in runs:
                s = run["strategy"]
                with self.subTest(strategy=s):
                    self.assertEqual(run["params"], twin.encode(dict(params, strategy=s)))
                    self.assertEqual(twin.decode(run["params"])[2:], ([], []))
                    self.assertIsNone(run["hidden_ms"])
                    self.assertIsNone(run["why"])
                    env = run["environment"]
                    self.assertEqual(set(env), {"runtime", "version", "build", "gil", "os"})
                    self.assertIn(env["gil"], ("on", "off"))
                    self.assertEqual(run["threads_used"],
                                     params["threads"] if s in twin.PARALLEL else 1)
                    if s in ("async", "executor"):
                        sched = run["scheduler"]
                        self.assertEqual(sched["name"], "asyncio's event loop")
                        # Every task is polled once at least, and once more per await.
                        self.assertGreaterEqual(sched["wakes"], 2 * params["tasks"])
                        self.assertGreater(sched["spawn_us_per_task"], 0)
                        self.assertGreaterEqual(sched["us_per_wake"], 0)
                    else:
                        self.assertIsNone(run["scheduler"])
                    if s == "processes":
                        up = run["startup"]
                        self.assertGreater(up["per_worker_ms"], 0)
                        # Spawned within the run: the last was ready after the median took
                        # (and may be after the run's last task, when another worker took
                        # every task first).
                        self.assertGreaterEqual(up["all_ready_ms"], up["per_worker_ms"])
                        self.assertGreaterEqual(min(t["start_ms"] for t in run["tasks"]),
                                                up["per_worker_ms"] * 0.2)
                        if sys.platform.startswith("linux"):
                            self.assertGreater(up["memory_bytes"], 1_000_000)
                    else:
                        self.assertIsNone(run["startup"])
                    for at, gap in run["lag"]:
                        self.assertGreater(gap, 0)
                        self.assertGreaterEqual(at, 0)
                    self.assertEqual(run["responsiveness"]["samples"], len(run["lag"]))
                    self.assertEqual(run["responsiveness"]["missed_frames"], 0)

    def test_the_file_has_every_key_the_pages_reader_requires(self):
        params, runs, skipped = self.results[EXPERIMENTS[2]]
        doc = json.loads(twin.export(runs, params, {"skipped": skipped}))
        self.assertEqual(list(doc)[:5], ["format", "v", "exported_at_ms", "environment", "runs"])
        self.assertEqual((doc["format"], doc["v"]), ("async-vs-threads/runs", 1))
        self.assertEqual(list(doc["environment"]),
                         ["browser", "cores", "pool", "isolated", "build"])
        self.assertTrue(doc["environment"]["browser"].startswith("CPython "))
        self.assertEqual(doc["environment"]["pool"], params["threads"])
        fields = run_fields()
        self.assertGreaterEqual(len(fields), 34)
        own = [key for group, key in fields if group == "Run"]
        groups = []
        for group, _ in fields:
            if group != "Run" and GROUP_KEYS[group] not in groups:
                groups.append(GROUP_KEYS[group])
        self.assertEqual(groups[-1], "environment", "each run says where it was measured")
        for run in doc["runs"]:
            with self.subTest(strategy=run["strategy"]):
                self.assertEqual(list(run), own + groups + ["lag", "details_dropped", "tasks"])
                for group, key in GROUP_KEYS.items():
                    want = [k for g, k in fields if g == group]
                    if run[key] is not None:
                        self.assertEqual(list(run[key]), want, key)
                self.assertTrue(all(len(v) <= 80 for v in run["environment"].values()))
                for t in run["tasks"]:
                    self.assertEqual(list(t), ["task", "lane", "start_ms", "end_ms", "cpu_ms",
                                               "wait_ms", "lock_ms", "checksum", "segments"])

    def test_numbers_that_are_not_finite_are_written_as_null(self):
        params = twin.decode("tasks=1")[0]
        doc = json.loads(twin.export([], params, {"x": [float("nan"), float("inf"), 1.5]}))
        self.assertEqual(doc["x"], [None, None, 1.5])


class Timing(unittest.TestCase):
    def test_async_overlaps_waits_that_sequential_takes_in_turn(self):
        params = twin.decode("workload=io&tasks=20&io_ms=50")[0]
        runs, _ = twin.run_strategies(params, ["sequential", "async"], UNITS_PER_MS)
        seq, asy = (r["makespan_ms"] for r in runs)
        self.assertGreaterEqual(seq, 3 * asy, (seq, asy))
        self.assertEqual(runs[1]["digest"]["max_overlapping_waits"], 20)
        self.assertEqual(runs[0]["digest"]["max_overlapping_waits"], 1)
        # Sequential blocks the event loop's thread: the probe sees one long stall.
        stall = runs[0]["responsiveness"]["longest_stall_ms"]
        self.assertGreaterEqual(stall, 0.5 * seq, runs[0]["responsiveness"])
        self.assertLess(runs[1]["responsiveness"]["longest_stall_ms"], stall)


    def test_blocking_waits_hold_the_loop_in_turn_and_the_executors_threads_at_once(self):
        # time.sleep in async def against run_in_executor(pool, time.sleep, ...).
        params = twin.decode("workload=io&tasks=10&io_ms=30&threads=5&waits=blocking")[0]
        runs, _ = twin.run_strategies(params, ["async", "executor"], UNITS_PER_MS)
        asy, exe = runs
        self.assertGreaterEqual(asy["makespan_ms"], 2.5 * exe["makespan_ms"], (asy, exe))
        self.assertEqual(asy["digest"]["max_overlapping_waits"], 1)
        self.assertGreater(exe["digest"]["max_overlapping_waits"], 1)
        self.assertEqual(asy["digest"]["checksum"], exe["digest"]["checksum"])
        # The loop itself stalls for the blocking waits, not while the executor holds them.
        stall = asy["responsiveness"]["longest_stall_ms"]
        self.assertGreaterEqual(stall, 0.5 * asy["makespan_ms"], asy["responsiveness"])
        self.assertLess(exe["responsiveness"]["longest_stall_ms"], stall)
        # Each blocking wait ran on one of the executor's threads.
        lanes = {seg[3] for t in exe["tasks"] for seg in t["segments"] if len(seg) == 4}
        self.assertTrue(lanes and len(lanes) <= 5, lanes)


class Stats(unittest.TestCase):
    """The page's statistics, on the page's tests' figures."""

    def test_quantiles_interpolate(self):
        v = [1.0, 2.0, 3.0, 4.0, 5.0]
        self.assertEqual(twin.quantile(v, 0.5), 3.0)
        self.assertEqual(twin.quantile(v, 0.125), 1.5)
        self.assertEqual(twin.quantile(v, 1.0), 5.0)
        self.assertIsNone(twin.quantile([], 0.5))
        self.assertEqual(twin.quantile([7.0], 0.99), 7.0)

    def test_a_summary_of_a_sequential_like_run(self):
        ends = [i * 10.0 for i in range(1, 101)]
        s = twin.summary(ends, 100.0, 200.0, 1000.0)
        self.assertEqual((s["tasks_done"], s["throughput_per_s"]), (100, 100.0))
        self.assertAlmostEqual(s["latency_p50_ms"], 505.0)
        self.assertAlmostEqual(s["latency_p95_ms"], 950.5)
        self.assertEqual(s["latency_max_ms"], 1000.0)

    def test_a_freeze_shows_as_the_longest_stall(self):
        # 70 ticks without lag and one 790 ms late, as the page's test.
        samples, now = [], 1000.0
        while now < 2500.0:
            prev, t = now, now - 1000.0
            now += 800.0 if t <= 100.0 < t + 10.0 else 10.0
            samples.append((now, now - prev))
        r = twin.responsiveness(samples, 10.0, 1000.0, 2500.0)
        self.assertAlmostEqual(r["longest_stall_ms"], 790.0)
        self.assertAlmostEqual(r["blocked_ms"], 790.0)
        self.assertEqual(r["samples"], 71)
        self.assertAlmostEqual(r["lag_p99_ms"], 0.3 * 790.0)
        self.assertEqual(r["lag_p50_ms"], 0.0)
        straddling = twin.responsiveness([(1500.0, 1000.0)], 10.0, 1200.0, 2000.0)
        self.assertEqual(straddling["longest_stall_ms"], 290.0)

    def test_overlaps_within_the_clocks_skew_are_not_at_once(self):
        def handed(next_start):
            return [{"segments": [["cpu", 396.66, 400.355]]},
                    {"segments": [["cpu", next_start, 403.7]]}]
        self.assertEqual(twin.max_overlapping(handed(400.35), "cpu"), 1)
        self.assertEqual(twin.max_overlapping(handed(400.355), "cpu"), 1)
        self.assertEqual(twin.max_overlapping(handed(399.0), "cpu"), 2)

    def test_lanes_sort_as_the_pages_main_workers_processes(self):
        tasks = [{"lane": lane, "start_ms": s, "end_ms": s + 1, "cpu_ms": 0, "wait_ms": 0,
                  "checksum": "0000000000000001", "segments": []}
                 for lane, s in (("p1", 5.0), ("w10", 1.0), ("w2", 2.0), ("main", 0.0),
                                 ("p0", 3.0))]
        d = twin.digest(tasks, 6.0)
        self.assertEqual(d["lanes"], ["main", "w2", "w10", "p0", "p1"])
        self.assertEqual(d["last_first_pickup_ms"], 5.0)


class Calibration(unittest.TestCase):
    def test_calibration_keeps_the_fastest_sample_of_a_long_enough_size(self):
        # A kernel of 1,000 units per ms whose first runs are slow (a cold start).
        times = []

        def timed_run(units):
            times.append(units)
            return units / 1000.0 * (1.5 if len(times) < 4 else 1.0)
        self.assertAlmostEqual(twin.calibrate(timed_run), 1000.0)
        self.assertGreaterEqual(min(times[-5:]) / 1000.0, twin.CALIBRATION_MIN_SAMPLE_MS)

    def test_units_round_as_the_pages(self):
        self.assertEqual(twin.units_for(1000.0, 20), 20_000)
        self.assertEqual(twin.units_for(2.5, 1), 3, "halves away from zero, as Rust's round")
        self.assertEqual(twin.units_for(1234.5, 0), 0)


if __name__ == "__main__":
    unittest.main()
