#!/usr/bin/python3
"""Parity of hyperchunk's `reduce`, `slice` and `rebin` commands with HyperSpy 1.7.3.

Usage (Debian's own interpreter, which has python3-hyperspy):

    /usr/bin/python3 run_parity.py HYPERCHUNK_BINARY WORKDIR [--filter SUBSTRING] [--keep]
                                   [--global-args '--memory-limit 64KiB --threads 1']

1. HyperSpy writes the fixtures (fixtures.py) into WORKDIR/fixtures.
2. Every case of cases.py runs twice through the hyperchunk command (`-o case.hspy`, `-o case.npy`;
   1-D results also `-o case.csv`) and once through HyperSpy (the same operation in Python on the
   fixture loaded in memory). HyperSpy's result is also saved and loaded back: that is what a user
   of HyperSpy sees in a file, and hyperchunk's .hspy must load as the same signal.
3. The comparison (compare.py): values (exact, or the case's documented tolerance), dtype, shape,
   class name (eager and lazy load), axes (name, units, scale, offset, size, navigate, is_binned,
   non-uniform values), title and the whole metadata and original_metadata trees; the .npy holds
   HyperSpy's `s.data`. Error cases: where HyperSpy raises, hyperchunk exits with the case's code
   (1: the work failed; 2: bad usage), one line on stderr with HyperSpy's meaning, no output file.

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

import logging  # noqa: E402

import hyperspy.api as hs  # noqa: E402

from cases import all_cases  # noqa: E402
from compare import check_csv, check_npy, compare_signals  # noqa: E402
from fixtures import write_fixtures  # noqa: E402

logging.getLogger("hyperspy").setLevel(logging.ERROR)


class Runner:
    def __init__(self, binary, workdir, keep, global_args):
        self.binary = binary
        self.global_args = global_args
        self.workdir = Path(workdir)
        self.fixtures = self.workdir / "fixtures"
        self.out = self.workdir / "out"
        self.keep = keep
        self._loaded = {}

    def fixture_path(self, name):
        return self.fixtures / f"{name}.hspy"

    def loaded(self, name):
        """The fixture loaded in memory by HyperSpy (operations here never modify their source)."""
        if name not in self._loaded:
            self._loaded[name] = hs.load(self.fixture_path(name))
        return self._loaded[name]

    def cli(self, case, output):
        cmd = [self.binary, "--no-progress", *self.global_args, case.command, str(self.fixture_path(case.fixture))]
        cmd += case.args
        if output is not None:
            cmd += ["-o", str(output)]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)

    def run_error_case(self, case):
        problems = []
        try:
            case.py(self.loaded(case.fixture))
            problems.append("HyperSpy did not raise (the case's premise is wrong)")
        except case.error.exceptions:
            pass
        except Exception as e:  # noqa: BLE001 - reported as a failed premise
            problems.append(f"HyperSpy raised {type(e).__name__}: {e}, not {case.error.exceptions}")
        out = self.out / f"{case.name}.hspy"
        r = self.cli(case, out)
        lines = r.stderr.strip().splitlines()
        if r.returncode != case.error.exit_code:
            problems.append(f"exit {r.returncode}, want {case.error.exit_code}; stderr: {r.stderr.strip()}")
        elif not case.error.matches(r.stderr):
            problems.append(f"stderr {r.stderr.strip()!r} does not match {case.error.pattern!r}")
        elif len(lines) > (2 if case.error.exit_code == 2 else 1):
            problems.append(f"stderr has {len(lines)} lines: {r.stderr.strip()!r}")
        if out.exists():
            problems.append(f"{out.name} left behind")
        return problems, lines[0] if lines else ""

    def run_case(self, case):
        if case.error is not None:
            return self.run_error_case(case)
        expected = case.py(self.loaded(case.fixture))
        problems = []
        exp_path = self.out / f"{case.name}.expected.hspy"
        expected.save(exp_path, overwrite=True)
        for ext in ("hspy", "npy"):
            path = self.out / f"{case.name}.{ext}"
            r = self.cli(case, path)
            if r.returncode != 0:
                problems.append(f"-o .{ext}: exit {r.returncode}: {r.stderr.strip()}")
            elif ext == "hspy":
                problems += compare_signals(path, exp_path, expected, case)
            else:
                problems += check_npy(path, expected, case)
        if expected.data.ndim == 1 and case.csv and not problems:
            path = self.out / f"{case.name}.csv"
            r = self.cli(case, path)
            if r.returncode != 0:
                problems.append(f"-o .csv: exit {r.returncode}: {r.stderr.strip()}")
            else:
                problems += check_csv(path, expected, case)
        return problems, repr(expected)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary")
    parser.add_argument("workdir")
    parser.add_argument("--filter", default="", help="run only the cases whose name contains this")
    parser.add_argument("--keep", action="store_true", help="keep WORKDIR/out")
    parser.add_argument("--global-args", default="--threads 2",
                        help="global options for every hyperchunk run (default: '--threads 2'), e.g. "
                             "'--memory-limit 64KiB --threads 1'")
    args = parser.parse_args()

    start = time.time()
    runner = Runner(args.binary, args.workdir, args.keep, args.global_args.split())
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

    by_kind = {}
    for c in cases:
        by_kind.setdefault(c.command, [0, 0])[0] += 1
        by_kind[c.command][1] += c.name in failures
    summary = ", ".join(f"{k}: {n - f}/{n}" for k, (n, f) in by_kind.items())
    print(f"\n{len(cases) - len(failures)} of {len(cases)} cases pass ({summary}) in {time.time() - start:.1f} s")
    if failures:
        print("failed: " + " ".join(failures))
    if not args.keep:
        shutil.rmtree(runner.out, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
