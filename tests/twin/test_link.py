"""The twin reads a link as the page does: tests/fixtures/queries.txt, which the page's codec
is held to too."""

import pathlib
import sys
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "www"))

import async_vs_threads as twin  # noqa: E402


class Link(unittest.TestCase):
    def test_links_read_as_the_page_reads_them(self):
        text = (ROOT / "tests" / "fixtures" / "queries.txt").read_text(encoding="utf-8")
        lines = [line for line in text.splitlines() if not line.startswith("#")]
        self.assertGreaterEqual(len(lines), 18)
        for line in lines:
            query, encoded, notices, errors = line.split("\t")
            with self.subTest(query=query):
                params, pool, got_notices, got_errors = twin.decode(query)
                self.assertEqual(twin.encode(params, pool), encoded)
                self.assertEqual(" | ".join(got_notices), notices)
                self.assertEqual(" | ".join(got_errors), errors)

    def test_what_a_link_writes_reads_back_the_same(self):
        params, pool, notices, errors = twin.decode("workload=mixed&tasks=7&jitter=uniform:15&pool=3")
        self.assertEqual((notices, errors), ([], []))
        self.assertEqual(twin.decode(twin.encode(params, pool))[:2], (params, pool))


if __name__ == "__main__":
    unittest.main()
