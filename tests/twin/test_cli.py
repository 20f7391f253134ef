"""The twin's command line: the experiment it runs, the page's notices and rules, the lines the
page rewrites, the strategies' shown code, and the page's units."""

import ast
import contextlib
import io
import json
import pathlib
import re
import subprocess
import sys
import unittest
from unittest import mock

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "www"))

import async_vs_threads as twin  # noqa: E402

FILE = ROOT / "www" / "async_vs_threads.py"


def fixture(name):
    text = (ROOT / "tests" / "fixtures" / name).read_text()
    return [line.split(" ") for line in text.splitlines() if line and not line.startswith("#")]


def cli(*argv):
    """Runs the command line here: (exit status, what it printed)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        status = twin.main(list(argv))
    return status, out.getvalue()


class TheFile(unittest.TestCase):
    def test_the_three_lines_the_page_rewrites_are_there(self):
        lines = FILE.read_text(encoding="utf-8").splitlines()
        found = {}
        for prefix in ("QUERY = ", "PAGE_UNITS_PER_MS = ", "PAGE_BROWSER = "):
            at = [i for i, line in enumerate(lines) if line.startswith(prefix)]
            self.assertEqual(len(at), 1, prefix)
            found[prefix] = at[0]
            ast.literal_eval(lines[at[0]][len(prefix):])
        self.assertEqual(lines[found["QUERY = "]],
                         'QUERY = "v=1&workload=io&tasks=50&io_ms=100&cpu_ms=20&jitter=none'
                         '&rounds=1&threads=2&yield_every_ms=5&switch_ms=5&seed=1&strategy=async"')
        self.assertEqual(found["PAGE_UNITS_PER_MS = "], found["QUERY = "] + 1)
        self.assertEqual(lines[found["PAGE_UNITS_PER_MS = "]], "PAGE_UNITS_PER_MS = None")
        self.assertEqual(lines[found["PAGE_BROWSER = "]], "PAGE_BROWSER = None")
        self.assertLess(found["QUERY = "], 60, "near the top")
        # What the page writes there reads as it should.
        for line in ("PAGE_UNITS_PER_MS = 41234.5", 'PAGE_BROWSER = "Chromium 156"'):
            ast.literal_eval(line.split(" = ", 1)[1])
        params, _, notices, errors = twin.decode(twin.QUERY)
        self.assertEqual((notices, errors), ([], []))
        self.assertEqual(twin.encode(params), twin.QUERY)

    def test_each_strategy_has_its_shown_code(self):
        text = FILE.read_text(encoding="utf-8")
        for key in twin.STRATEGIES:
            with self.subTest(strategy=key):
                starts = re.findall(rf"^# show-code: {key}$", text, re.MULTILINE)
                ends = re.findall(rf"^# end show-code: {key}$", text, re.MULTILINE)
                self.assertEqual((len(starts), len(ends)), (1, 1))
                block = text.split(f"\n# show-code: {key}\n")[1]
                block = block.split(f"\n# end show-code: {key}\n")[0]
                self.assertRegex(block, r"^(async )?def ", "a def at the block's top")
                ast.parse(block)
                # The measuring is the helpers' business: no clock in the shown code.
                self.assertNotIn("perf_counter", block)
                self.assertNotIn("now_ms", block)

    def test_the_file_is_python_39(self):
        tree = ast.parse(FILE.read_text(encoding="utf-8"), feature_version=(3, 9))
        self.assertFalse([n for n in ast.walk(tree) if type(n).__name__ == "Match"])


class CommandLine(unittest.TestCase):
    def test_a_bad_value_prints_the_pages_notice_and_runs_the_default(self):
        status, out = cli("workload=io&tasks=lots&io_ms=5", "--strategies", "async",
                          "--units-per-ms", "100", "--out", "-", "--quiet")
        self.assertEqual(status, 0)
        self.assertIn("notice: tasks=lots: \u201clots\u201d is not a number; using the "
                      "default, 50.", out)

    def test_a_rule_across_fields_exits_2_and_writes_nothing(self):
        with mock.patch.object(twin, "export") as export:
            status, out = cli("?workload=cpu&tasks=10000&cpu_ms=2000", "--out", "-")
        self.assertEqual(status, 2)
        self.assertIn("error: tasks \u00d7 rounds \u00d7 cpu_ms = 20,000,000 ms of CPU work, "
                      "over the 60,000 ms budget per run", out)
        export.assert_not_called()

    def test_unknown_strategies_and_demo_parameters_exit_2(self):
        self.assertEqual(cli("--strategies", "async,fibres", "--out", "-")[0], 2)
        status, out = cli("--demo", "race", "--with", "increments=0", "--out", "-")
        self.assertEqual(status, 2)
        self.assertIn("must be from 1 to 50,000", out)
        self.assertEqual(cli("--demo", "race", "--with", "steps=3", "--out", "-")[0], 2)
        with self.assertRaises(SystemExit) as exit_:
            with contextlib.redirect_stderr(io.StringIO()):
                twin.main(["--demo", "nap"])
        self.assertEqual(exit_.exception.code, 2)

    def test_a_run_writes_the_file_with_a_table_and_how_to_import_it(self):
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            path = pathlib.Path(tmp) / "out.json"
            status, out = cli("https://example.org/?workload=io&tasks=4&io_ms=10#runs",
                              "--strategies", "sequential,async", "--units-per-ms", "100",
                              "--out", str(path))
            self.assertEqual(status, 0, out)
            doc = json.loads(path.read_text(encoding="utf-8"))
        self.assertEqual([r["strategy"] for r in doc["runs"]], ["sequential", "async"])
        self.assertIn("workload=io&tasks=4&io_ms=10&", doc["runs"][0]["params"])
        self.assertIn("open the page, Import, choose this file", out)
        self.assertRegex(out, r"async\s+[\d,.]+ ms\s+[\d.]+\u00d7  [0-9a-f]{16}")
        self.assertIn("build, GIL", out)

    def test_the_script_runs_processes_from_its_own_file(self):
        done = subprocess.run(
            [sys.executable, str(FILE), "workload=cpu&tasks=3&cpu_ms=2", "--strategies",
             "processes", "--units-per-ms", "500", "--out", "-"],
            capture_output=True, text=True, timeout=60, check=False)
        self.assertEqual(done.returncode, 0, done.stderr)
        run = json.loads(done.stdout)["runs"][0]
        params = twin.decode("workload=cpu&tasks=3&cpu_ms=2")[0]
        self.assertEqual(run["digest"]["checksum"], f"{twin.run_checksum(params, 1000):016x}")
        self.assertIn("processes", done.stderr, "the table goes to stderr with --out -")


class SameUnits(unittest.TestCase):
    def test_without_the_pages_units_it_says_so_and_exits_2(self):
        status, out = cli("--same-units", "2", "--out", "-")
        self.assertEqual(status, 2)
        self.assertIn("PAGE_UNITS_PER_MS is None", out)

    def test_the_pages_units_give_the_kernels_fixture_checksums(self):
        # A computing task's checksum is its kernel's after `units`; the fixture's lines fold
        # a wait of 100 ms in after that.
        for seed, task, units, want in fixture("kernel-checksums.txt"):
            if int(task) > 20:
                continue
            query = f"workload=cpu&tasks={int(task) + 1}&cpu_ms=1&seed={seed}"
            with self.subTest(seed=seed, task=task, units=units), \
                    mock.patch.object(twin, "PAGE_UNITS_PER_MS", float(units)):
                status, out = cli(query, "--same-units", str(int(task) + 1), "--out", "-")
                self.assertEqual(status, 0, out)
                doc = json.loads(out[out.index('{"format"'):])
                same = doc["same_units"]
                self.assertEqual(doc["runs"], [])
                self.assertEqual((same["units_per_ms"], same["units"]), (float(units), int(units)))
                kernel = twin.Kernel(0, 0)
                kernel.state = int(same["tasks"][int(task)]["checksum"], 16)
                kernel.wait_done(100.0)
                self.assertEqual(f"{kernel.checksum():016x}", want)
                self.assertIn(f"task {task}: {same['tasks'][int(task)]['checksum']}", out)

    def test_same_units_combine_as_the_run_does(self):
        with mock.patch.object(twin, "PAGE_UNITS_PER_MS", 123.4):
            status, out = cli("workload=mixed&tasks=3&io_ms=5&cpu_ms=2&rounds=2",
                              "--same-units", "9", "--out", "-")
        self.assertEqual(status, 0)
        same = json.loads(out[out.index('{"format"'):])["same_units"]
        params = twin.decode("workload=mixed&tasks=3&io_ms=5&cpu_ms=2&rounds=2")[0]
        self.assertEqual(same["units"], 247)
        self.assertEqual(len(same["tasks"]), 3, "at most the experiment's tasks")
        self.assertEqual(same["checksum"], f"{twin.run_checksum(params, 247):016x}")
        self.assertEqual(list(same), ["units_per_ms", "units", "tasks", "checksum"])
        self.assertIn(f"combined: {same['checksum']}", out)


if __name__ == "__main__":
    unittest.main()
