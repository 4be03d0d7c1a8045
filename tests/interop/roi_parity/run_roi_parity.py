#!/usr/bin/python3
"""Parity of hyperchunk's `roi` command with HyperSpy 1.7.3's ROIs (`roi(s, axes=...)`, then
`.sum/.mean/.nansum/.nanmean` over the ROI's axes).

Usage (Debian's own interpreter, which has python3-hyperspy):

    /usr/bin/python3 run_roi_parity.py HYPERCHUNK_BINARY WORKDIR [--filter SUBSTRING] [--keep]
                                       [--global-args '--threads 2']

1. HyperSpy writes the fixtures (roi_fixtures.py) into WORKDIR/fixtures.
2. Every case of roi_cases.py runs through the hyperchunk command (`-o case.hspy`, `-o case.npy`;
   1-D results also `-o case.csv`) and through HyperSpy on the fixture loaded in memory.
3. The comparison is the parity suite's (../parity/compare.py): values (exact, or the case's
   tolerance for float sums and means), dtype, shape, class (eager and lazy load), axes, title,
   metadata and original_metadata. Empty cuts (HyperSpy cannot save them) are compared through
   the .npy and the .hspy's data and axes as hyperchunk wrote them. Error cases: where HyperSpy
   raises, hyperchunk exits with the case's code and one line on stderr, and leaves no file;
   documented refusals (roi_cases.py) check that HyperSpy indeed does something else.

Prints one PASS/FAIL line per case and a summary; exits 1 if any case fails.
"""

import argparse
import shutil
import subprocess
import sys
import time
import traceback
import warnings
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
warnings.simplefilter("ignore")
sys.path.insert(1, str(Path(__file__).resolve().parent.parent / "parity"))

import logging  # noqa: E402

import numpy as np  # noqa: E402
import hyperspy.api as hs  # noqa: E402

from compare import check_csv, check_npy, compare_signals  # noqa: E402
from roi_cases import all_cases  # noqa: E402
from roi_fixtures import write_fixtures  # noqa: E402

logging.getLogger("hyperspy").setLevel(logging.CRITICAL)
logging.getLogger("traits").setLevel(logging.CRITICAL)  # HyperSpy's reverted ROI assignments log tracebacks


class Runner:
    def __init__(self, binary, workdir, global_args):
        self.binary = binary
        self.global_args = global_args
        self.workdir = Path(workdir)
        self.fixtures = self.workdir / "fixtures"
        self.out = self.workdir / "out"
        self._loaded = {}

    def loaded(self, name):
        """The fixture loaded in memory by HyperSpy (ROIs never modify their source)."""
        if name not in self._loaded:
            self._loaded[name] = hs.load(self.fixtures / f"{name}.hspy")
        return self._loaded[name]

    def cli(self, case, output):
        cmd = [self.binary, "--no-progress", *self.global_args, "roi", str(self.fixtures / f"{case.fixture}.hspy")]
        cmd += case.args + ["-o", str(output)]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)

    def hyperspy_outcome(self, case):
        """(result, exception) of HyperSpy's own call."""
        try:
            return case.py(self.loaded(case.fixture)), None
        except Exception as e:  # noqa: BLE001 - the caller decides what was expected
            return None, e

    def run_error_case(self, case):
        problems = []
        _, raised = self.hyperspy_outcome(case)
        if case.refusal:
            if raised is not None:
                problems.append(f"HyperSpy raised {type(raised).__name__}: {raised}; the refusal's premise is wrong")
        elif raised is None:
            problems.append("HyperSpy did not raise (the case's premise is wrong)")
        elif not isinstance(raised, case.error.exceptions):
            problems.append(f"HyperSpy raised {type(raised).__name__}: {raised}, not {case.error.exceptions}")
        out = self.out / f"{case.name}.hspy"
        r = self.cli(case, out)
        lines = r.stderr.strip().splitlines()
        if r.returncode != case.error.exit_code:
            problems.append(f"exit {r.returncode}, want {case.error.exit_code}; stderr: {r.stderr.strip()}")
        elif not case.error.matches(r.stderr):
            problems.append(f"stderr {r.stderr.strip()!r} does not match {case.error.pattern!r}")
        elif len(lines) != 1:
            problems.append(f"stderr has {len(lines)} lines: {r.stderr.strip()!r}")
        if out.exists():
            problems.append(f"{out.name} left behind")
        return problems, lines[0] if lines else ""

    def run_case(self, case):
        if case.error is not None and case.expected is None:
            return self.run_error_case(case)
        problems = []
        if case.expected is not None:
            _, raised = self.hyperspy_outcome(case)
            if raised is None or not isinstance(raised, case.error.exceptions):
                problems.append(f"HyperSpy's own call gave {raised!r}, not {case.error.exceptions}: the premise of "
                                "the hand-made expectation is wrong")
            expected = case.expected_result(self.loaded(case.fixture))
        else:
            expected = case.py(self.loaded(case.fixture))
        empty = expected.data.size == 0
        exp_path = self.out / f"{case.name}.expected.hspy"
        if not empty:
            expected.save(exp_path, overwrite=True)
        for ext in ("hspy", "npy"):
            path = self.out / f"{case.name}.{ext}"
            r = self.cli(case, path)
            if r.returncode != 0:
                problems.append(f"-o .{ext}: exit {r.returncode}: {r.stderr.strip()}")
            elif ext == "npy":
                problems += check_npy(path, expected, case)
            elif empty:
                problems += empty_problems(path, expected)
            else:
                problems += compare_signals(path, exp_path, expected, case)
        if expected.data.ndim == 1 and not empty and not problems:
            path = self.out / f"{case.name}.csv"
            r = self.cli(case, path)
            if r.returncode != 0:
                problems.append(f"-o .csv: exit {r.returncode}: {r.stderr.strip()}")
            else:
                problems += check_csv(path, expected, case)
        return problems, repr(expected)


def empty_problems(path, expected):
    """An empty cut (HyperSpy cannot save one): hyperchunk's file loads with the same class, shape,
    dtype and axes as HyperSpy's signal in memory."""
    ours = hs.load(path)
    problems = []
    if type(ours).__name__ != type(expected).__name__:
        problems.append(f"class {type(ours).__name__}, HyperSpy {type(expected).__name__}")
    if ours.data.shape != expected.data.shape or ours.data.dtype != expected.data.dtype:
        problems.append(f"data {ours.data.shape} {ours.data.dtype}, HyperSpy {expected.data.shape} "
                        f"{expected.data.dtype}")
    for i, (a, b) in enumerate(zip(ours.axes_manager._axes, expected.axes_manager._axes)):
        for attr in ("name", "units", "size", "scale", "offset", "navigate"):
            if getattr(a, attr) != getattr(b, attr):
                problems.append(f"axis {i} {attr}: {getattr(a, attr)!r}, HyperSpy {getattr(b, attr)!r}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary")
    parser.add_argument("workdir")
    parser.add_argument("--filter", default="", help="run only the cases whose name contains this")
    parser.add_argument("--keep", action="store_true", help="keep WORKDIR/out")
    parser.add_argument("--global-args", default="--threads 2",
                        help="global options for every hyperchunk run (default: '--threads 2')")
    args = parser.parse_args()

    start = time.time()
    runner = Runner(args.binary, args.workdir, args.global_args.split())
    shutil.rmtree(runner.workdir, ignore_errors=True)
    runner.out.mkdir(parents=True)
    write_fixtures(runner.fixtures)
    cases = [c for c in all_cases() if args.filter in c.name]
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), "case names must be unique"

    failures = []
    for case in cases:
        try:
            problems, what = runner.run_case(case)
        except Exception:  # noqa: BLE001 - a crash of one case is that case's failure
            problems, what = [traceback.format_exc().strip().replace("\n", "\n    ")], ""
        if problems:
            failures.append(case.name)
            print(f"FAIL {case.name}: {case.describe()}")
            for p in problems:
                print(f"    {p}")
        else:
            print(f"PASS {case.name}: {case.describe()} -> {what}")
        sys.stdout.flush()

    by_shape = {}
    for c in cases:
        by_shape.setdefault(c.shape, [0, 0])[0] += 1
        by_shape[c.shape][1] += c.name in failures
    summary = ", ".join(f"{k}: {n - f}/{n}" for k, (n, f) in by_shape.items())
    print(f"\n{len(cases) - len(failures)} of {len(cases)} cases pass ({summary}) in {time.time() - start:.1f} s")
    if failures:
        print("failed: " + " ".join(failures))
    if not args.keep:
        shutil.rmtree(runner.out, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
