"""The twin's work against the page's: the same checksums for the same fixtures."""

import math
import pathlib
import struct
import sys
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "www"))

import async_vs_threads as twin  # noqa: E402


def fixture(name):
    """The lines of tests/fixtures/NAME, comments left out, split at spaces."""
    text = (ROOT / "tests" / "fixtures" / name).read_text()
    return [line.split(" ") for line in text.splitlines() if line and not line.startswith("#")]


class Work(unittest.TestCase):
    def test_waits_give_the_pages_checksums(self):
        for query, want in fixture("io-checksums.txt"):
            with self.subTest(query=query):
                self.assertEqual(f"{twin.run_checksum(twin.decode(query)[0], 0):016x}", want)

    def test_a_log_one_bit_off_changes_the_checksum(self):
        # As glibc's log is for 6.6% of inputs: the tail's checksum needs libm's bits.
        query, want = fixture("io-checksums.txt")[5]
        self.assertIn("jitter=tail", query)
        libm_log = twin.log
        twin.log = lambda x: math.nextafter(libm_log(x), 0.0)
        try:
            self.assertNotEqual(f"{twin.run_checksum(twin.decode(query)[0], 0):016x}", want)
        finally:
            twin.log = libm_log

    def test_the_kernel_gives_the_pages_checksums(self):
        for seed, task, units, want in fixture("kernel-checksums.txt"):
            with self.subTest(seed=seed, task=task, units=units):
                kernel = twin.Kernel(int(seed), int(task))
                kernel.run(int(units))
                kernel.wait_done(100.0)
                self.assertEqual(f"{kernel.checksum():016x}", want)

    def test_a_kernel_run_in_slices_is_the_same_work(self):
        whole, sliced = twin.Kernel(42, 7), twin.Kernel(42, 7)
        whole.run(1000)
        for units in (1, 2, 3, 394, 600):
            sliced.run(units)
        self.assertEqual(whole.checksum(), sliced.checksum())

    def test_log_is_libms_where_the_platforms_may_differ(self):
        bits = lambda x: struct.unpack("<Q", struct.pack("<d", x))[0]  # noqa: E731
        # Where both are exact, they agree; near 1 and over the tail's inputs, libm's log is
        # within one bit of the platform's (which is all either promises).
        for x in (1.0, 2.0, 0.5, math.e, 1e-300, 5e-324, 1e300, 0.999999, 1.000001):
            self.assertLessEqual(abs(bits(twin.log(x)) - bits(math.log(x))), 1, x)
        self.assertEqual(twin.log(1.0), 0.0)
        self.assertEqual(twin.log(0.0), -math.inf)
        self.assertTrue(math.isnan(twin.log(-1.0)))
        self.assertEqual(twin.log(math.inf), math.inf)


if __name__ == "__main__":
    unittest.main()
