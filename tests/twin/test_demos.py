"""The demos: the page's parameters and verdict rules (on the page's tests' figures), and each
demo run small in this CPython."""

import asyncio
import pathlib
import sys
import threading
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "www"))

import async_vs_threads as twin  # noqa: E402


def trace(tasks):
    nxt = [0, 0]
    out = []
    for t in tasks:
        out.append((t, nxt[t]))
        nxt[t] += 1
    return out


class Parameters(unittest.TestCase):
    def test_bounds_and_defaults_are_the_pages(self):
        spec = {demo: {k: (b.lo, b.hi, b.default) for k, b in ps.items()
                       if isinstance(b, twin.Bound)}
                for demo, ps in twin.DEMO_PARAMS.items()}
        self.assertEqual(spec, {
            "interleave": {"steps": (2, 20, 8), "runs": (1, 50, 20)},
            "race": {"tasks": (2, 8, 2), "increments": (1, 50_000, 20_000)},
            "queue": {"items": (10, 5_000, 300), "capacity": (1, 100, 8),
                      "produce_us": (0, 20_000, 500), "consume_us": (0, 20_000, 1_000)},
            "deadlock": {"hold_ms": (0, 1_000, 50), "stall_ms": (100, 5_000, 500),
                         "rounds": (1, 100, 5)},
            "switch": {"async_switches": (2, 100_000, 20_000), "thread_switches": (2, 10_000, 1_000),
                       "batches": (1, 50, 9)},
            "thread-start": {"tasks": (1, 1_000, 50), "wait_ms": (1, 10_000, 100)},
            "blocking": {"tasks": (1, 1_000, 10), "wait_ms": (1, 5_000, 50), "workers": (1, 100, 20)},
            "scale": {"tasks": (1, 1_000_000, 1_000_000), "threads": (1, 100_000, 256)},
            "errors": {"tasks": (2, 100, 4), "wait_ms": (1, 10_000, 60), "fail_ms": (0, 10_000, 20)},
        })
        self.assertEqual(twin.demo_params("queue")[0]["work"], "wait")
        self.assertEqual(twin.demo_params("deadlock")[0]["order"], "opposite")

    def test_values_are_read_with_the_pages_messages(self):
        b = twin.Bound("steps", 2, 20_000, 8)
        self.assertEqual(b.parse(" 8 "), 8)
        self.assertEqual(b.parse("20,000"), 20_000)
        for text, why in (("1", "must be from 2 to 20,000"), ("2.5", "must be a whole number"),
                          ("", "is empty: enter a number"),
                          ("lots", "\u201clots\u201d is not a number"),
                          ("1e99", "must be from 2 to 20,000")):
            with self.assertRaises(ValueError) as bad:
                b.parse(text)
            self.assertEqual(str(bad.exception), why)

    def test_rules_across_a_demos_fields(self):
        _, errors = twin.demo_params("queue", {"items": "5000"})
        self.assertEqual(errors, ["items \u00d7 (producer + consumer \u00b5s) is 7.50 s of work; "
                                  "at most 3.00 s per run"])
        _, errors = twin.demo_params("deadlock", {"hold_ms": "500"})
        self.assertEqual(errors, ["the hold (500 ms) must be shorter than the watchdog's wait "
                                  "(500 ms)"])
        self.assertTrue(twin.demo_params("queue", {"work": "sleep"})[1])


class Verdicts(unittest.TestCase):
    def test_interleave(self):
        a = twin.interleave_tally([trace([0, 1, 0, 1])] * 20)
        t = twin.interleave_tally([trace([0, 1, 0, 1]), trace([0, 0, 1, 1]), trace([1, 0, 0, 1])])
        self.assertEqual((t["runs"], t["distinct"], t["most_common"]), (3, 3, 1))
        self.assertEqual(twin.interleave_verdict(a, t),
                         "In 20 runs, asyncio logged 1 order every time, switching only at its "
                         "awaits; threads logged 3 different orders (1 to 3 switches a run).")
        self.assertEqual(twin.interleave_verdict(a, None),
                         "In 20 runs, asyncio logged 1 order every time, switching only at its "
                         "awaits.")
        self.assertIn("threads also logged 1 order", twin.interleave_verdict(a, a))
        self.assertTrue(twin.interleave_verdict(t, None).startswith(
            "In 3 runs, asyncio logged 3 different orders"))
        self.assertEqual(twin.interleave_tally([])["distinct"], 0)

    def test_race(self):
        def out(variant, counted):
            return {"variant": variant, "tasks": 2, "increments": 20_000, "counted": counted}
        every = [out("threads-unsync", 38_766), out("threads-lock", 40_000),
                 out("threads-atomic", 40_000), out("async-unsync", 20_000),
                 out("async-lock", 40_000)]
        self.assertEqual(twin.race_verdict(every),
                         "Threads lost 1,234 of 40,000 updates (3.1%); with a threading.Lock: 0 "
                         "lost, with itertools.count: 0 lost. asyncio lost 20,000 of 40,000 "
                         "updates (50.0%); with an asyncio.Lock: 0 lost.")
        self.assertEqual(twin.race_verdict(every[3:]),
                         "asyncio lost 20,000 of 40,000 updates (50.0%); with an asyncio.Lock: "
                         "0 lost.")
        self.assertEqual(twin.race_verdict([out("threads-unsync", 40_000)]),
                         "Threads lost none of 40,000 updates this time.")
        self.assertEqual(twin.race_verdict([]), "")
        self.assertEqual(twin.race_lost(out("threads-lock", 40_001)), 0)

    def test_queue(self):
        def stats(throughput, full_pct):
            return {"ms": 100.0, "throughput": throughput, "mean_depth": 1.0, "max_depth": 8,
                    "full_pct": full_pct, "empty_pct": 5.0}
        self.assertEqual(
            twin.queue_verdict("compute", stats(3_300, 40), stats(5_000, 90)),
            "Threads moved 5000 items/s against asyncio's 3300 items/s (1.52\u00d7 faster): "
            "threads produce and consume at the same time, while asyncio's one thread does both "
            "in turn; the queue was full 40% of the time with asyncio and 90% with threads.")
        self.assertTrue(twin.queue_verdict("compute", stats(640, 9), stats(375, 48), gil=True)
                        .startswith("asyncio moved 640 items/s against threads' 375 items/s "
                                    "(1.71\u00d7 faster): the two threads did not compute at the "
                                    "same time: the GIL"))
        self.assertIn("too few free cores",
                      twin.queue_verdict("compute", stats(640, 9), stats(375, 48), gil=False))
        self.assertTrue(twin.queue_verdict("wait", stats(990, 80), stats(1_000, 82)).startswith(
            "Both moved about as many items a second (asyncio 990 items/s, threads 1000 "
            "items/s): waits overlap"))
        self.assertIn("so the gap is each one's cost per wait",
                      twin.queue_verdict("wait", stats(2_000, 8), stats(1_000, 8)))
        self.assertEqual(twin.queue_verdict("wait", stats(990, 80), None),
                         "asyncio moved 990 items/s with the queue full 80% and empty 5% of the "
                         "time.")

    def test_queue_depth_statistics_weigh_each_depth_by_its_time(self):
        s = twin.queue_stats(4, 2, 100.0, 200.0,
                             [(110.0, 1), (120.0, 2), (140.0, 1), (150.0, 0)])
        self.assertEqual((s["ms"], s["throughput"], s["max_depth"]), (100.0, 40.0, 2))
        self.assertAlmostEqual(s["mean_depth"], 0.6)
        self.assertAlmostEqual(s["full_pct"], 20.0)
        self.assertAlmostEqual(s["empty_pct"], 60.0)
        self.assertEqual(twin.queue_stats(4, 2, 0.0, 0.0, [])["throughput"], 0.0)

    def test_deadlock(self):
        held = [0, 1]
        waits = [1, 0]
        self.assertEqual(twin.deadlock_cycle(held, waits), [0, 1])
        self.assertEqual(twin.deadlock_describe(held, waits),
                         ["task 1 holds lock_a and waits for lock_b",
                          "task 2 holds lock_b and waits for lock_a"])
        self.assertIsNone(twin.deadlock_cycle([0, None], [None, 0]))
        self.assertEqual(twin.deadlock_describe([0, None], [None, 0]),
                         ["task 1 holds lock_a", "task 2 holds no lock and waits for lock_a"])
        self.assertIsNone(twin.deadlock_cycle([0, None], [0, None]), "its own lock")
        self.assertEqual((twin.deadlock_locks("opposite", 1), twin.deadlock_locks("same", 1)),
                         ((1, 0), (0, 1)))

        def stopped(ms):
            return {"ended": "stopped", "holders": held, "waiting": waits, "stalled_ms": ms}

        def done(ms):
            return {"ended": "completed", "ms": ms}
        self.assertEqual(twin.deadlock_ending_verdict(stopped(500.0), "Threads", 5),
                         "Threads: deadlock after 500 ms without progress: task 1 holds lock_a "
                         "and waits for lock_b; task 2 holds lock_b and waits for lock_a.")
        self.assertEqual(twin.deadlock_verdict(stopped(501.0), stopped(508.0), 5),
                         "Both deadlocked, each task holding one lock and waiting for the "
                         "other's, until the watchdog stopped them after 501 ms (threads) and "
                         "508 ms (asyncio) without progress.")
        self.assertEqual(twin.deadlock_verdict(done(270.0), done(262.0), 5),
                         "Both finished their 5 rounds without a deadlock: threads in 270 ms, "
                         "asyncio in 262 ms.")
        self.assertEqual(twin.deadlock_verdict(None, done(262.0), 5),
                         "asyncio: both tasks finished their 5 rounds in 262 ms, no deadlock.")
        self.assertTrue(twin.deadlock_verdict(done(270.0), stopped(500.0), 5)
                        .startswith("Threads: both tasks finished"))

    def test_the_watchdog_fires_only_after_the_stall_time_without_progress(self):
        w = twin.Watchdog(500.0, 1_000.0)
        self.assertFalse(w.stalled(1_400.0, 0))
        self.assertFalse(w.stalled(1_450.0, 3))
        self.assertFalse(w.stalled(1_900.0, 3))
        self.assertTrue(w.stalled(1_950.0, 3))
        self.assertEqual(w.since_ms, 1_450.0)

    def test_switch(self):
        # The page's rule and words (model::findings::claims, judge_switches).
        self.assertEqual(twin.switch_us([40.0, 20.0, float("nan"), 21.0, 500.0], 1000), 30.5)
        self.assertIsNone(twin.switch_us([], 1000))
        holds, text = twin.switch_verdict(0.2, 30.0, "threads + GIL")
        self.assertEqual(holds, "holds")
        self.assertEqual(text, "holds here: a switch between async tasks (asyncio.Queue) 0.20 \u00b5s, "
                               "threads + GIL (threading.Condition) 30.0 \u00b5s; threads' hand-overs "
                               "cost 150.0\u00d7 an async one")
        self.assertEqual(twin.switch_verdict(0.2, 0.3, "threads")[0], "partly")
        self.assertEqual(twin.switch_verdict(3.0, 1.0, "threads")[0], "does-not-hold")
        self.assertEqual(twin.format_us(1500.0), "1.50 ms")

    def test_thread_start(self):
        # The page's rule and words (judge_thread_per_task).
        holds, text = twin.thread_start_verdict(10, 50.0, 101.0, 202.0, 28.0)
        self.assertEqual(holds, "holds")
        self.assertEqual(text, "holds here: 10 waits of 50.0 ms: 101 ms awaited by async tasks, 202 ms "
                               "on a thread started per task (2.00\u00d7); starting the 10 threads "
                               "took 28.0 ms (2.80 ms each); the articles: 1.9\u00d7")
        self.assertEqual(twin.thread_start_verdict(10, 50.0, 101.0, 130.0, 28.0)[0], "partly")
        self.assertEqual(twin.thread_start_verdict(10, 50.0, 101.0, 105.0, 2.0)[0], "does-not-hold")

    def test_blocking(self):
        # The page's rule and words (judge_blocking), the loop for the page.
        holds, text = twin.blocking_verdict(10, 50.0, 52.0, 503.0, 501.0, 153.0, 4, 4.0)
        self.assertEqual(holds, "holds")
        self.assertEqual(text, "holds here: 10 blocking waits of 50.0 ms inside async tasks took 503 ms "
                               "(one after another: 500 ms) and froze the loop for 501 ms; awaited, "
                               "the same waits took 52.0 ms; on the pool's 4 threads the blocking "
                               "waits took 153 ms (4 at a time: 150 ms), the loop's longest stall "
                               "4.00 ms")
        self.assertEqual(twin.blocking_verdict(10, 50.0, 52.0, 503.0, 501.0, 505.0, 1, 4.0)[0], "partly")
        self.assertEqual(twin.blocking_verdict(10, 50.0, 52.0, 52.0, 3.0, 153.0, 4, 4.0)[0],
                         "does-not-hold")

    def test_errors(self):
        # The page's rule (judge_errors), in Python's words.
        def c(caller, hook=None, finished=3, cancelled=0, others=60.2, said="task 1 failed"):
            return dict(caller_ms=caller, hook_ms=hook, said=said, returned_ms=caller or 60.5,
                        finished=finished, cancelled=cancelled, others_ms=others)
        seen = {"gather": c(20.1), "settled": c(60.3), "cancelling": c(20.2, finished=0, cancelled=3, others=20.2),
                "bare": c(None, hook=21.0), "future": c(20.9)}
        holds, text = twin.errors_verdict(4, 20.0, seen)
        self.assertEqual(holds, "holds")
        self.assertEqual(text, "holds here: one of 4 tasks failed after 20.0 ms: awaiting them with "
                               "asyncio.gather, the caller got \u201ctask 1 failed\u201d at its await after "
                               "20.1 ms while 3 others ran on to 60.2 ms; with return_exceptions=True, as a "
                               "value once all were over, after 60.3 ms; in an asyncio.TaskGroup, 3 of 3 "
                               "cancelled after 20.2 ms; a bare thread's error never reached the code that "
                               "joined it (the joins returned after 60.5 ms): only threading.excepthook got "
                               "\u201ctask 1 failed\u201d, after 21.0 ms; a ThreadPoolExecutor's future gave "
                               "it back at result(), after 20.9 ms")
        joined = dict(seen, bare=c(21.0))
        self.assertEqual(twin.errors_verdict(4, 20.0, joined)[0], "partly")
        late = {"gather": c(60.3)}
        holds, text = twin.errors_verdict(4, 20.0, late, {"cancelling": "asyncio.TaskGroup needs Python 3.11"})
        self.assertEqual(holds, "does-not-hold")
        self.assertIn("cancelling did not run (asyncio.TaskGroup needs Python 3.11)", text)

    def test_scale(self):
        # The page's rule and words (judge_scale), in CPython's.
        holds, text = twin.scale_verdict(1_000_000, 97.9e6, 256, 2_270.0, None)
        self.assertEqual(holds, "holds")
        self.assertEqual(text, "holds here: its event loop held 1,000,000 pending asyncio tasks in "
                               "97.9 MB (98 B each); this CPython started 256 threads, the bound (it "
                               "may start more), in 2.27 s (8.87 ms each): at least 3,906\u00d7 as "
                               "many tasks as threads")
        holds, text = twin.scale_verdict(100_000, 92.6e6, 2_000, 400.0, "the OS refused the next: "
                                         "can't start new thread")
        self.assertEqual(holds, "partly")
        self.assertTrue(text.endswith("started 2,000 threads and no more (the OS refused the next: can't "
                                      "start new thread) in 400 ms (0.20 ms each): 50.0\u00d7 as many tasks "
                                      "as threads, short of thousands"), text)
        self.assertEqual(twin.scale_verdict(10, 1e3, 0, 0.0, "no")[0], "partly")
        self.assertEqual([twin.format_bytes(v) for v in (98.0, 12_340.0, 97.9e6, 1.2e9)],
                         ["98 B", "12.3 KB", "97.9 MB", "1.20 GB"])

    def test_claims_report(self):
        # The page's report (model::page::report): every claim in its order, verdicts and skips.
        def judge(key, units_per_ms):
            if key == "switches":
                return "holds", "holds here: a | b", "us", [twin._bar("async", "async tasks", 3.25)]
            raise LookupError("not here")
        def run(query, strategies, units_per_ms):
            return [{"strategy": s, "params": query, "makespan_ms": 100.0,
                     "digest": {"checksum": "00000000000000aa"}} for s in strategies.split(",")]
        rows = []
        r, runs = twin.claims_report(1000.0, "cpython.json", on_row=rows.append, judge=judge, run=run)
        self.assertEqual((r["format"], r["version"]), ("async-vs-threads/claims", 1))
        self.assertEqual([c["key"] for c in r["claims"]], [c[0] for c in twin.CLAIMS])
        self.assertEqual(rows, r["claims"])
        switches = next(c for c in r["claims"] if c["key"] == "switches")
        self.assertEqual((switches["holds"], switches["unit"]), ("holds", "us"))
        # A claim judged on runs has them run here, for the page to judge on import.
        requests = r["claims"][0]
        self.assertEqual(requests["skipped"], "judged on runs: the page judges them with its rule "
                                              "when cpython.json is imported")
        self.assertEqual([x["strategy"] for x in requests["runs"]], ["sequential", "threads", "async"])
        self.assertEqual(requests["runs"][0]["query"], twin.CLAIMS[0][3])
        self.assertEqual(len(runs), sum(len(c[4].split(",")) for c in twin.CLAIMS if c[4]))
        self.assertEqual(next(c for c in r["claims"] if c["key"] == "errors")["skipped"], "not here")
        md = twin.report_markdown(r).splitlines()
        self.assertEqual(md[0], "### The asyncio-vs-threading claims, judged in CPython")
        self.assertTrue(md[2].startswith("Measured in CPython ") and
                        md[2].endswith(". 1 hold, 0 partly, 0 do not, 15 skipped."), md[2])
        self.assertEqual(len([line for line in md if line.startswith("| ")]), len(twin.CLAIMS) + 1)
        row = next(line for line in md if line.startswith("| Context switches"))
        self.assertTrue(row.endswith("| async tasks 3.25 \u00b5s | holds here: a \\| b |"), row)
        with self.assertRaises(LookupError):
            twin.judge_claim("a claim of a newer page", 1000.0)

    def test_thread_memory(self):
        # The page's rule (judge_thread_memory): megabytes held, or only set aside.
        holds, text = twin.thread_memory_verdict(9.4e6, 16_600.0)
        self.assertEqual(holds, "partly")
        self.assertEqual(text, "partly: a thread sets aside 9.40 MB of address space (its stack, and "
                               "the C allocator's arenas) and holds 16.6 KB resident; the 8 MB is "
                               "address space set aside, not memory used")
        self.assertEqual(twin.thread_memory_verdict(9.4e6, 5e6)[0], "holds")

    def test_queues(self):
        # The page's QueueRun::delivery and judge_queues.
        self.assertEqual(twin.queue_delivery(4, [0, 1, 2, 3]),
                         {"received": 4, "lost": 0, "repeated": 0, "out_of_order": 0})
        self.assertEqual(twin.queue_delivery(4, [0, 2, 1, 2]),
                         {"received": 4, "lost": 1, "repeated": 1, "out_of_order": 1})
        ok = twin.queue_delivery(3, [0, 1, 2])
        holds, text = twin.queues_verdict(3, 4, ok, ok)
        self.assertEqual(holds, "holds")
        self.assertEqual(text, "holds here: asyncio.Queue (two tasks) delivered 3 items of 3 with 0 lost, "
                               "0 repeated, 0 out of order; queue.Queue (two threads) delivered 3 items "
                               "of 3 with 0 lost, 0 repeated, 0 out of order, each at full speed through "
                               "a queue of 4")
        self.assertEqual(twin.queues_verdict(3, 4, ok, twin.queue_delivery(3, [0, 2]))[0],
                         "does-not-hold")

    def test_shared_state(self):
        # The page's rule and words (judge_shared_state).
        def o(variant, lost):
            return {"variant": variant, "lost": lost}
        races = [o("threads-unsync", 120), o("threads-lock", 0), o("threads-atomic", 0),
                 o("async-unsync", 15_000), o("async-lock", 0)]
        stuck = {"ended": "stopped", "holders": [0, 1], "waiting": [1, 0]}
        done = {"ended": "completed", "ms": 250.0}
        holds, text = twin.shared_state_verdict(races, stuck, stuck)
        self.assertEqual(holds, "holds")
        self.assertEqual(text, "holds: threads lost 120 updates, async lost 15,000 updates; with a lock "
                               "every counter was exact; two locks in opposite order: threads "
                               "deadlocked, async deadlocked")
        races[0]["lost"] = 0
        self.assertEqual(twin.shared_state_verdict(races, done, stuck)[0], "partly")
        races[3]["lost"] = 0
        holds, text = twin.shared_state_verdict(races, done, done)
        self.assertEqual(holds, "does-not-hold")
        self.assertTrue(text.endswith("threads did not deadlock, async did not deadlock"), text)

    def test_durations_and_ratios_as_the_page_writes_them(self):
        self.assertEqual([twin.format_ms(v) for v in (0.42, 12.34, 105.2, 2_500.0, 100_000.0)],
                         ["0.42 ms", "12.3 ms", "105 ms", "2.50 s", "1 min 40 s"])
        self.assertEqual((twin.format_times(1.5151), twin.format_times(12.34)),
                         ("1.52\u00d7", "12.3\u00d7"))


class Runs(unittest.TestCase):
    """Each demo, small, in this CPython: what must hold whatever the timing."""

    def test_interleave(self):
        r = twin.demo_interleave(4, 3, 1000.0)
        a, t = r["measured"]["asyncio"], r["measured"]["threads"]
        self.assertEqual((a["runs"], a["distinct"]), (3, 1), "asyncio repeats its order")
        self.assertEqual(r["measured"]["asyncio_orders"][0], "01010101")
        self.assertEqual(t["runs"], 3)
        for order in r["measured"]["threads_orders"]:
            self.assertEqual(sorted(order), list("00001111"))
        self.assertTrue(r["verdict"].startswith("In 3 runs, asyncio logged 1 order every time"))

    def test_race(self):
        r = twin.demo_race(2, 2_000)
        by = {o["variant"]: o for o in r["measured"]["outcomes"]}
        for fixed in ("threads-lock", "threads-atomic", "async-lock"):
            self.assertEqual(by[fixed]["counted"], 4_000, fixed)
        self.assertEqual(by["async-unsync"]["counted"], 2_000, "every other update lost")
        self.assertLessEqual(by["threads-unsync"]["counted"], 4_000)
        self.assertIn("asyncio lost 2,000 of 4,000 updates (50.0%)", r["verdict"])
        self.assertLessEqual(r["measured"]["plain_plus_equals"]["counted"], 4_000)

    def test_queue(self):
        for work in ("wait", "compute"):
            r = twin.demo_queue(40, 3, 100, 200, work)
            for model in ("asyncio", "threads"):
                s = r["measured"][model]
                self.assertLessEqual(s["max_depth"], 3, (work, model))
                self.assertGreater(s["throughput"], 0)
            self.assertTrue(r["verdict"].endswith("with threads."), r["verdict"])

    def test_switch(self):
        r = twin.demo_switch(200, 100, 3)
        for model in ("asyncio", "threads"):
            m = r["measured"][model]
            self.assertEqual(len(m["batch_ms"]), 3, model)
            self.assertGreater(m["us_per_switch"], 0, model)
        self.assertIn(r["holds"], ("holds", "partly", "does-not-hold"))
        self.assertTrue(r["verdict"].split(":")[0] in ("holds here", "partly", "does not hold here"),
                        r["verdict"])

    def test_thread_start(self):
        r = twin.demo_thread_start(5, 20)
        a, t = r["measured"]["asyncio"], r["measured"]["threads"]
        # Each waited its 20 ms at least, side by side (not 5 x 20 ms).
        self.assertGreaterEqual(a["makespan_ms"], 19.9)
        self.assertGreaterEqual(t["makespan_ms"], 19.9)
        self.assertLess(t["makespan_ms"], t["all_running_ms"] + 5 * 20)
        self.assertEqual(t["start_each_ms"], t["all_running_ms"] / 5)
        self.assertIn(r["holds"], ("holds", "partly", "does-not-hold"))

    def test_blocking(self):
        r = twin.demo_blocking(4, 30, 4)
        m = r["measured"]
        # time.sleep inside async def runs one upload after another and holds the loop for them.
        self.assertGreaterEqual(m["blocking_async"]["makespan_ms"], 4 * 30 - 0.5)
        self.assertGreater(m["blocking_async"]["longest_stall_ms"], 2 * 30)
        self.assertEqual(m["pool"]["threads"], 4)
        self.assertLess(m["pool"]["makespan_ms"], m["blocking_async"]["makespan_ms"])

    def test_errors(self):
        hook = threading.excepthook
        r = twin.demo_errors(3, 40, 5)
        m = r["measured"]
        # gather raises at its await, before the others are over, and leaves them running.
        self.assertEqual(m["gather"]["said"], "task 1 failed")
        self.assertLess(m["gather"]["caller_ms"], m["gather"]["others_ms"])
        self.assertEqual(m["gather"]["finished"], 2)
        self.assertGreaterEqual(m["settled"]["caller_ms"], 39.9)
        if hasattr(asyncio, "TaskGroup"):
            self.assertEqual((m["cancelling"]["cancelled"], m["cancelling"]["finished"]), (2, 0))
        # A bare thread's error reaches only the hook; a future gives it back.
        self.assertIsNone(m["bare"]["caller_ms"])
        self.assertEqual(m["bare"]["said"], "task 1 failed")
        self.assertEqual(m["future"]["said"], "task 1 failed")
        self.assertIs(threading.excepthook, hook, "the hook is put back")
        self.assertEqual(r["holds"], "holds", r["verdict"])

    def test_scale(self):
        # 20,000 pending tasks hold megabytes, so even the resident set grows by them.
        r = twin.demo_scale(20_000, 40)
        a, t = r["measured"]["asyncio"], r["measured"]["threads"]
        self.assertEqual((t["started"], t["refused"]), (40, None))
        self.assertGreater(a["held_bytes"], 1e6)
        self.assertEqual(r["holds"], "partly", r["verdict"])  # 500 tasks a thread: short of thousands
        self.assertIn("at least 500\u00d7 as many tasks as threads", r["verdict"])

    def test_thread_memory(self):
        m = twin.thread_memory(16)
        if m is None:
            self.skipTest("no /proc here")
        # Each blocked thread sets aside its stack (megabytes) and holds a little of it.
        self.assertGreater(m["reserved"], 1e6)
        self.assertLess(m["held"], m["reserved"])

    def test_deadlock(self):
        r = twin.demo_deadlock("opposite", 20, 150, 2)
        for model in ("threads", "asyncio"):
            m = r["measured"][model]
            self.assertEqual((m["ended"], m["holders"], m["waiting"]), ("stopped", [0, 1], [1, 0]))
            self.assertTrue(m["locks_free"], model)
        self.assertEqual(r["measured"]["threads"]["tasks_ended"], ["cancelled", "cancelled"])
        self.assertTrue(r["verdict"].startswith("Both deadlocked"))
        r = twin.demo_deadlock("same", 5, 150, 2)
        self.assertEqual([r["measured"][m]["ended"] for m in ("threads", "asyncio")],
                         ["completed", "completed"])
        self.assertTrue(r["verdict"].startswith("Both finished their 2 rounds"))


if __name__ == "__main__":
    unittest.main()
