#!/usr/bin/python3
"""`hyperchunk navigator` end to end against HyperSpy 1.7.3's compute_navigator.

    /usr/bin/python3 command_test.py HYPERCHUNK CASES_DIR

Runs the command on files of make_navigator_cases.py and checks: the .npy equals HyperSpy's
navigator (values and dtype); --log-level info prints HyperSpy's three INFO lines; the .hspy
loads in HyperSpy as the same navigator (class, axes, sum_from); the .png is a PNG; a small
navigator is printed without -o; a navigator stored in the file is reused (and said so) unless
options or --recompute are given.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import hyperspy.api as hs

hs.preferences.General.show_progressbar = False
failures = []


def check(condition, what):
    print(("ok: " if condition else "FAIL: ") + what)
    if not condition:
        failures.append(what)


def run(hc, *args):
    p = subprocess.run([hc, "--no-progress", "--log-level", "info", "navigator", *args],
                       capture_output=True, text=True)
    if p.returncode != 0:
        failures.append(f"{args}: exit {p.returncode}: {p.stderr.strip()}")
    return p


def case(cases, file, kwargs):
    return next(c for c in cases["cases"] if c["file"] == file and c["kwargs"] == kwargs)


def main():
    hc, cases_dir = sys.argv[1], Path(sys.argv[2])
    cases = json.load(open(cases_dir / "cases.json"))
    eds = cases["files"]["eds_16"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        want = case(cases, "eds_16", {"index": 6.3, "chunks_number": 5})
        p = run(hc, eds, "--index", "6.3", "--chunks-number", "5", "-o", str(out / "a.npy"))
        got = np.load(out / "a.npy")
        expected = np.load(cases_dir / want["npy"])
        check(got.dtype == expected.dtype and np.array_equal(got, expected), ".npy equals HyperSpy's navigator")
        lines = [l.split(":", 2)[2] for l in p.stderr.splitlines() if l.startswith("INFO:")]
        check(lines[:3] == want["log"], f"INFO lines {lines[:3]} == HyperSpy's {want['log']}")

        run(hc, eds, "--index", "6.3", "--chunks-number", "5", "-o", str(out / "a.hspy"))
        nav = hs.load(str(out / "a.hspy"))
        check(type(nav).__name__ == want["class"] and nav.original_metadata.sum_from == want["sum_from"]
              and np.array_equal(nav.data, expected) and str(nav.data.dtype) == want["dtype"]
              and [a.name for a in nav.axes_manager._axes] == [a["name"] for a in want["axes"]],
              f".hspy loads in HyperSpy as {nav} with sum_from {nav.original_metadata.get_item('sum_from')}")

        run(hc, eds, "-o", str(out / "a.png"))
        check((out / "a.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", ".png is a PNG")

        line = case(cases, "eds_line", {})
        p = run(hc, cases["files"]["eds_line"])
        check(p.stdout.splitlines()[0] == line["repr"], f"printed: {p.stdout.splitlines()[0]!r} == {line['repr']!r}")

        stored = cases["stored"]
        p = run(hc, stored["file"], "-o", str(out / "s.npy"))
        check("using the navigator stored in the file" in p.stderr and "Using index" not in p.stderr,
              "a stored navigator is reused and said so")
        check(np.array_equal(np.load(out / "s.npy"), np.load(cases_dir / stored["npy"])),
              "the stored navigator's values are HyperSpy's")
        p = run(hc, stored["file"], "--recompute", "-o", str(out / "r.npy"))
        default = case(cases, "eds_16", {})
        check("Using index: [496]" in p.stderr and np.array_equal(np.load(out / "r.npy"), np.load(cases_dir / default["npy"])),
              "--recompute computes compute_navigator()")
    print(f"navigator command: {len(failures)} failures")
    for f in failures:
        print("FAIL:", f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
