"""Which CPython runs the twin: the default build (the GIL) or a free-threaded one, and what
each strategy is there."""

import pathlib
import sys
import unittest
from unittest import mock

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "www"))

import async_vs_threads as twin  # noqa: E402


def built(free_threaded, gil=None):
    """Patches for an interpreter with or without Py_GIL_DISABLED, and `sys._is_gil_enabled`
    returning `gil` (None: an interpreter without it, before 3.13)."""
    config = {"Py_GIL_DISABLED": 1 if free_threaded else 0}
    patches = [mock.patch.object(twin.sysconfig, "get_config_var", config.get)]
    if gil is None:
        if hasattr(sys, "_is_gil_enabled"):
            patches.append(mock.patch.object(twin.sys, "_is_gil_enabled", None))
    else:
        patches.append(mock.patch.object(twin.sys, "_is_gil_enabled", lambda: gil, create=True))
    return patches


class Build(unittest.TestCase):
    def detect(self, free_threaded, gil=None):
        patches = built(free_threaded, gil)
        for p in patches:
            p.start()
        try:
            return twin.interpreter_build(), twin.runtime_environment()
        finally:
            for p in reversed(patches):
                p.stop()

    def test_a_default_build_has_the_gil(self):
        (build, gil), env = self.detect(False)
        self.assertEqual((build, gil), ("default", True))
        self.assertEqual((env["build"], env["gil"]), ("default", "on"))
        self.assertEqual(self.detect(False, True)[0], ("default", True))

    def test_a_free_threaded_build_without_its_gil(self):
        (build, gil), env = self.detect(True, False)
        self.assertEqual((build, gil), ("free-threaded", False))
        self.assertEqual((env["build"], env["gil"]), ("free-threaded", "off"))

    def test_a_free_threaded_build_with_its_gil_turned_on(self):
        self.assertEqual(self.detect(True, True)[0], ("free-threaded", True))

    def test_what_each_build_runs(self):
        default = twin.plan(twin.STRATEGIES, "default", True)
        self.assertEqual([(s, how) for s, how, _ in default],
                         [("sequential", "here"), ("async", "here"), ("threads", "skipped"),
                          ("gil", "here"), ("executor", "here"), ("processes", "here")])
        why = default[2][2]
        self.assertIn("default build, with the GIL", why)
        self.assertIn("free-threaded", why)
        free = twin.plan(twin.STRATEGIES, "free-threaded", False)
        self.assertEqual([how for _, how, _ in free],
                         ["here", "here", "here", "child", "here", "here"])
        with_gil = twin.plan(["threads", "gil"], "free-threaded", True)
        self.assertEqual([how for _, how, _ in with_gil], ["skipped", "here"])
        self.assertIn("GIL enabled", with_gil[0][2])

    def test_the_gil_strategy_refuses_an_interpreter_without_the_gil(self):
        params = twin.decode("workload=io&tasks=1&io_ms=1")[0]
        with mock.patch.object(twin.sys, "_is_gil_enabled", lambda: False, create=True):
            with self.assertRaisesRegex(RuntimeError, "-X gil=1"):
                twin.run_gil(twin.Run(params, 0, 1.0))

    def test_the_gil_runs_again_with_x_gil_1_on_the_same_units(self):
        params = twin.decode("workload=cpu&tasks=2&cpu_ms=3&threads=2")[0]
        command = twin.gil_command(params, 250.0, "/tmp/x.json")
        self.assertEqual(command[:3], [sys.executable, "-X", "gil=1"])
        self.assertEqual(command[4], twin.encode(params))
        self.assertEqual(command[5:], ["--strategies", "gil", "--units-per-ms", "250.0",
                                       "--out", "/tmp/x.json", "--quiet"])

    def test_a_free_threaded_run_merges_the_gil_run_of_its_child(self):
        # Pretends this interpreter is free-threaded without its GIL: threads run here and the
        # gil run comes from `python -X gil=1 this-file` (a default build ignores the option
        # and has its GIL anyway).
        params = twin.decode("workload=mixed&tasks=3&io_ms=5&cpu_ms=2&threads=2")[0]
        with mock.patch.object(twin, "interpreter_build", lambda: ("free-threaded", False)):
            runs, skipped = twin.run_strategies(params, ["threads", "gil"], 300.0)
        self.assertEqual(skipped, [])
        self.assertEqual([r["strategy"] for r in runs], ["threads", "gil"])
        want = f"{twin.run_checksum(params, 600):016x}"
        self.assertEqual([r["digest"]["checksum"] for r in runs], [want, want])
        self.assertEqual(runs[0]["environment"]["build"], "free-threaded")
        self.assertEqual(runs[1]["environment"]["gil"], "on")
        self.assertEqual({t["lane"] for t in runs[1]["tasks"]} <= {"w0", "w1"}, True)


if __name__ == "__main__":
    unittest.main()
