#!/usr/bin/python3
"""`hyperchunk lines` against HyperSpy 1.7.3's get_lines_intensity on the files make_eds_cases.py
wrote: the command writes .npy stacks, .hspy maps and stdout reports; HyperSpy loads the .hspy
files (hs.load('OUT_*.hspy')) and everything is compared with what HyperSpy computes itself:
values, dtype, shape, class, title, axes and metadata.

    /usr/bin/python3 check_lines_command.py HYPERCHUNK CASES_DIR WORK_DIR

Values must be equal: integer data gives sums of integers, and the float files hold values whose
window sums hyperchunk and numpy round alike (interop.eds_lines reports any difference); a
difference up to 1e-12 (float64) / 2e-6 (float32) of the largest |value| is tolerated and printed.
"""

import contextlib
import io
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import hyperspy.api as hs

hs.preferences.General.show_progressbar = False
hs.set_log_level("ERROR")
warnings.simplefilter("ignore")

FAILURES = []


def fail(what):
    FAILURES.append(what)
    print("FAIL:", what)


def run(hc, *args, expect=0):
    p = subprocess.run([hc, "--no-progress", "lines", *map(str, args)], capture_output=True, text=True)
    if p.returncode != expect:
        fail(f"lines {' '.join(map(str, args))}: exit {p.returncode} (want {expect}): {p.stderr.strip()}")
    return p


def metadata_of(s):
    md = s.metadata.as_dictionary()
    md.pop("_HyperSpy", None)
    md.get("General", {}).pop("FileIO", None)
    md.get("Signal", {}).pop("record_by", None)
    return md


def axes_of(s):
    return [(a.name, a.units, a.scale, a.offset, a.size, a.navigate, a.is_binned) for a in s.axes_manager._axes]


def same_values(what, got, want):
    got, want = np.asarray(got), np.asarray(want)
    if got.dtype != want.dtype or got.shape != want.shape:
        fail(f"{what}: {got.dtype} {got.shape}, HyperSpy {want.dtype} {want.shape}")
        return
    tol = 0.0
    if want.dtype.kind == "f":
        tol = (2e-6 if want.dtype == np.float32 else 1e-12) * max(1.0, float(np.max(np.abs(want))))
    worst = float(np.max(np.abs(got.astype(float) - want.astype(float)))) if want.size else 0.0
    if worst > tol:
        fail(f"{what}: values differ by {worst} (tolerance {tol})")
    elif worst > 0:
        print(f"  {what}: largest difference {worst:.3g} (tolerance {tol:.3g})")


def same_signal(what, got, want):
    if type(got).__name__ != type(want).__name__:
        fail(f"{what}: class {type(got).__name__}, HyperSpy {type(want).__name__}")
    if got.metadata.General.title != want.metadata.General.title:
        fail(f"{what}: title {got.metadata.General.title!r}, HyperSpy {want.metadata.General.title!r}")
    if axes_of(got) != axes_of(want):
        fail(f"{what}: axes {axes_of(got)}, HyperSpy {axes_of(want)}")
    if metadata_of(got) != metadata_of(want):
        fail(f"{what}: metadata\n{metadata_of(got)}\nHyperSpy\n{metadata_of(want)}")
    same_values(what, got.data, want.data)


def check_file(hc, path, work):
    name = path.stem
    s = hs.load(path)
    ev = s.axes_manager.signal_axes[0].units == "eV"

    # Lines from the metadata, stacked .npy.
    maps = s.get_lines_intensity()
    out = work / f"{name}.npy"
    run(hc, path, "-o", out)
    same_values(f"{name}.npy", np.load(out), np.stack([m.data for m in maps]))

    # Background subtraction, one .hspy file per line (OUT itself for one line).
    lines = s._parse_xray_lines(None, True, ("a",))
    want = s.get_lines_intensity(lines, background_windows=s.estimate_background_windows(xray_lines=lines))
    out = work / f"{name}_bg.hspy"
    run(hc, path, "--background", "-o", out)
    pattern = str(out) if len(lines) == 1 else str(work / f"{name}_bg_*.hspy")
    got = hs.load(pattern)
    got = got if isinstance(got, list) else [got]
    if len(got) != len(want):
        fail(f"{pattern}: {len(got)} signals, HyperSpy {len(want)}")
    for g, w in zip(got, want):
        same_signal(f"{name} --background map {w.metadata.Sample.xray_lines[0]}", g, w)

    # Elements given, every a and b line.
    t = s.deepcopy()
    t.set_elements(["Fe", "Pt"])
    if "Sample.xray_lines" in t.metadata:
        del t.metadata.Sample.xray_lines
    maps = t.get_lines_intensity(only_one=False, only_lines=("a", "b"))
    out = work / f"{name}_ab.npy"
    run(hc, path, "--elements", "Fe,Pt", "--all-lines", "--only-lines", "a,b", "-o", out)
    same_values(f"{name}_ab.npy", np.load(out), np.stack([m.data for m in maps]))

    # Explicit lines and windows, one .hspy file.
    window = [6200.0, 6600.0] if ev else [6.2, 6.6]
    want = s.get_lines_intensity(["Fe_Ka"], integration_windows=[window])[0]
    out = work / f"{name}_fe.hspy"
    run(hc, path, "--lines", "Fe_Ka", "--integration-windows", f"{window[0]}:{window[1]}", "-o", out)
    same_signal(f"{name} --lines Fe_Ka --integration-windows", hs.load(out), want)

    # Stdout: one spectrum prints HyperSpy's plot_result lines.
    if s.axes_manager.navigation_dimension == 0:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            s.get_lines_intensity(plot_result=True)
        p = run(hc, path)
        if p.stdout != printed.getvalue():
            fail(f"{name} (stdout): {p.stdout!r}, HyperSpy printed {printed.getvalue()!r}")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    hc, cases, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    files = sorted(p for p in cases.glob("*.hspy") if p.stem != "no_elements")
    if len(files) < 5:
        sys.exit(f"{cases}: run make_eds_cases.py first")
    for path in files:
        check_file(hc, path, work)
    p = run(hc, cases / "no_elements.hspy", expect=1)
    if "no_elements.hspy: no X-ray line" not in p.stderr or p.stderr.count("\n") != 1:
        fail(f"no_elements.hspy: stderr {p.stderr!r}")
    if FAILURES:
        sys.exit(f"{len(FAILURES)} failure(s)")
    print(f"hyperchunk lines matches HyperSpy's get_lines_intensity on {len(files)} files")


if __name__ == "__main__":
    main()
