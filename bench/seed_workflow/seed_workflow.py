#!/usr/bin/python3
"""The seed workflow (issue 5): every step of the tutorial through HyperSpy 1.7.3 + dask and through
the hyperchunk command, on the same 2 GB files (uncompressed and gzip), against the raw read /
decode floor of exactly the chunks each step must read, with the peak RSS of each process.

    seed_workflow.py hyperspy STEP FILE OUT [--warm SMALL]
                                              one timed HyperSpy run of STEP (result saved to OUT)
    seed_workflow.py run --hyperchunk BIN --floor BIN --file1 KIND=PATH... --file2 KIND=PATH...
                     --warm KIND=PATH...
                     [--repeat N] [--steps a,b] [--kinds none,gzip] [--threads N]

Run with Debian's /usr/bin/python3 (HyperSpy 1.7.3); bench/seed_workflow/run.sh builds the
binaries, writes the data once and calls `run`. Every timed run is a fresh process under
/usr/bin/time -v (its peak RSS). Warm page cache: a warm-up round runs every step once (results
compared), then --repeat rounds run every step in turn (HyperSpy, hyperchunk, floor; same noise
for all); medians are reported.

Steps (file 1: chunks (64, 512, 248); file 2: chunks (16, 512, 992), the tutorial's s2):
    navigator       s.compute_navigator(index=6.3)        navigator f --index 6.3
    navigator-full  s.compute_navigator(chunks_number=1)  navigator f --full
    lines           s.get_lines_intensity(['Fe_Ka', 'Pt_La']), each map computed
                                                          lines f --lines Fe_Ka,Pt_La
    lines-1         s.get_lines_intensity(['Fe_Ka'])      lines f --lines Fe_Ka  (what a second map costs)
    rebin           s2.isig[:15.0].rebin(scale=(4, 4, 1)) rebin f2 --isig :15.0 --scale 4,4,1
    roi             RectangularROI(left=100, top=100, right=110, bottom=110)(s).sum()
                                                          roi f --rect 100,100,110,110 --op sum (or, for a
                                                          binary without the roi command: reduce f --inav
                                                          100.0:110.0,100.0:110.0 --op sum --axis navigation)
    sum             s.sum()                               reduce f --op sum --axis navigation
"""
import argparse
import itertools
import json
import math
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from hspy_read_bench import (DATASET, cached_fraction, compare, floor_total, mib, parse_floor, read_in,  # noqa: E402
                             parse_hyperspy, timed)

# The issue's targets, for every step and both file kinds.
TARGET_VS_HYPERSPY = 10.0  # hyperchunk at least this many times faster than HyperSpy
TARGET_VS_FLOOR = 1.5  # hyperchunk within this factor of the floor of the bytes it must read
TARGET_RSS_MIB = 1024  # hyperchunk's peak RSS below 1 GiB

ROI = dict(left=100, top=100, right=110, bottom=110)
LINES = {"lines": ["Fe_Ka", "Pt_La"], "lines-1": ["Fe_Ka"]}
ALL_STEPS = ["navigator", "navigator-full", "lines", "lines-1", "rebin", "roi", "sum"]
KIND_NAME = {"none": "uncompressed", "gzip": "gzip"}


# ---- one HyperSpy run ------------------------------------------------------------------------------
def hyperspy_step(hs, np, step, path, roi_bounds=None):
    """hs.load(path, lazy=True) and the step, written as in the tutorial, computed; returns the data."""
    s = hs.load(path, lazy=True)
    if step == "navigator":
        s.compute_navigator(index=6.3, show_progressbar=False)
        return s.navigator.data
    if step == "navigator-full":
        s.compute_navigator(chunks_number=1, show_progressbar=False)
        return s.navigator.data
    if step in LINES:
        maps = s.get_lines_intensity(LINES[step])
        for m in maps:  # a list of lazy signals: each computed in turn, as plotting them does
            m.compute(show_progressbar=False)
        return np.stack([m.data for m in maps])
    if step == "rebin":
        r = s.isig[:15.0].rebin(scale=(4, 4, 1))
    elif step == "roi":
        roi = hs.roi.RectangularROI(**(roi_bounds or ROI))
        r = roi(s).sum()
    elif step == "sum":
        r = s.sum()
    else:
        raise ValueError(step)
    r.compute(show_progressbar=False)
    return r.data


def hyperspy_run(step, path, out, warm):
    """One timed HyperSpy run. `import hyperspy.api` is lazy (hs.load imports the io plugins, the
    signal classes and dask's array code: seconds of imports), so the same step first runs untimed on
    the small file `warm`: the clock then holds only the step's own work, as in a session where the
    modules are already loaded."""
    import numpy as np
    import hyperspy.api as hs

    if warm:
        hyperspy_step(hs, np, step, warm, roi_bounds=dict(left=1, top=1, right=3, bottom=3))
    t0, c0 = time.perf_counter(), time.process_time()
    data = hyperspy_step(hs, np, step, path)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    np.save(out, np.asarray(data))
    print(json.dumps({"seconds": seconds, "cpu": cpu}))


def has_roi_command(hyperchunk):
    """Whether this hyperchunk has the `roi` command (CLI.md); without it the ROI step is a reduce of
    an --inav selection with the same calibrated bounds."""
    import subprocess

    p = subprocess.run([hyperchunk, "roi", "--help"], capture_output=True, text=True)
    return p.returncode == 0 and "--rect" in p.stdout  # (an unknown command's --help prints the global help)


def hyperchunk_args(step, path, roi_command=False):
    """The hyperchunk command line of a step (after the global options)."""
    if step == "roi" and roi_command:
        return ["roi", path, "--rect", f"{ROI['left']},{ROI['top']},{ROI['right']},{ROI['bottom']}", "--op", "sum"]
    return {
        "navigator": ["navigator", path, "--index", "6.3"],
        "navigator-full": ["navigator", path, "--full"],
        "lines": ["lines", path, "--lines", ",".join(LINES["lines"])],
        "lines-1": ["lines", path, "--lines", ",".join(LINES["lines-1"])],
        "rebin": ["rebin", path, "--isig", ":15.0", "--scale", "4,4,1"],
        "roi": ["reduce", path, "--inav", f"{ROI['left']:.1f}:{ROI['right']:.1f},{ROI['top']:.1f}:{ROI['bottom']:.1f}",
                "--op", "sum", "--axis", "navigation"],
        "sum": ["reduce", path, "--op", "sum", "--axis", "navigation"],
    }[step]


# ---- which chunks each step must read ---------------------------------------------------------------
def step_boxes(step, path):
    """The array-order boxes [(lo, hi) per dimension] of the data a step needs; a chunk that overlaps
    any box must be read (and, whole chunks being the storage unit, all of it). Calibrations and
    integration windows come from HyperSpy itself (no data is read)."""
    import hyperspy.api as hs

    s = hs.load(path, lazy=True)
    ny, nx, ne = s.data.shape
    energy = s.axes_manager.signal_axes[0]
    x_axis, y_axis = s.axes_manager.navigation_axes
    everything = [((0, ny), (0, nx), (0, ne))]
    if step in ("navigator-full", "sum"):
        return everything
    if step == "navigator":  # the signal chunk that holds 6.3 keV is summed whole
        i = energy.value2index(6.3)
        return [((0, ny), (0, nx), (i, i + 1))]
    if step in LINES:  # s.isig[left:right] of each window (stop excluded)
        windows = s.estimate_integration_windows(windows_width=2.0, xray_lines=LINES[step])
        return [((0, ny), (0, nx), (energy.value2index(lo), energy.value2index(hi))) for lo, hi in windows]
    if step == "rebin":  # isig[:15.0]; a scale of 4 divides 512, so no navigation pixel is cropped
        return [((0, ny), (0, nx), (0, energy.value2index(15.0)))]
    if step == "roi":  # reference §7.2: value2index of each bound, the high one exclusive
        x0, x1 = x_axis.value2index(ROI["left"]), x_axis.value2index(ROI["right"])
        y0, y1 = y_axis.value2index(ROI["top"]), y_axis.value2index(ROI["bottom"])
        return [((y0, y1), (x0, x1), (0, ne))]
    raise ValueError(step)


def read_chunks(path):
    """Every chunk of the file's data: (logical offset, byte offset, stored size, filter mask), plus
    the dataset's description (h5py's chunk index)."""
    import h5py

    with h5py.File(path, "r") as f:
        ds = f[DATASET]
        chunks = []
        for i in range(ds.id.get_num_chunks()):
            c = ds.id.get_chunk_info(i)
            chunks.append((tuple(c.chunk_offset), c.byte_offset, c.size, c.filter_mask))
        chunk_bytes = ds.dtype.itemsize
        for c in ds.chunks:
            chunk_bytes *= c
        info = {"shape": tuple(ds.shape), "chunks": tuple(ds.chunks), "dtype": str(ds.dtype),
                "itemsize": ds.dtype.itemsize, "compression": ds.compression, "shuffle": bool(ds.shuffle),
                "chunk_bytes": chunk_bytes}
    return chunks, info


def touched(chunks, chunk_shape, boxes):
    """The chunks that overlap a box."""
    def overlaps(origin, box):
        return all(o < hi and lo < o + c and lo < hi for o, c, (lo, hi) in zip(origin, chunk_shape, box))

    return [c for c in chunks if any(overlaps(c[0], b) for b in boxes)]


def exact_ranges(need, info, boxes, min_bytes=4096):
    """For an uncompressed file: the byte ranges inside the touched chunks that hold exactly the box's
    elements (what HDF5 reads for a hyperslab of a chunk larger than its chunk cache), or None when
    they are not all of one size (raw_read_floor's unit) or are shorter than min_bytes (then reading
    whole chunks is the cheaper floor)."""
    if info["compression"] is not None or len(boxes) != 1:
        return None
    cs, item, ranges = info["chunks"], info["itemsize"], []
    for origin, offset, _, _ in need:
        local = [(max(lo, o) - o, min(hi, o + c) - o) for o, c, (lo, hi) in zip(origin, cs, boxes[0])]
        k = len(cs)  # dims k.. are whole within the chunk: each run spans them
        while k > 0 and local[k - 1] == (0, cs[k - 1]):
            k -= 1
        inner = math.prod(cs[k:])
        if k == 0:
            ranges.append((offset, inner * item))
            continue
        first, last = local[k - 1]
        for outer in itertools.product(*[range(a, b) for a, b in local[:k - 1]]):
            element = 0
            for dim, i in enumerate(outer):
                element = element * cs[dim] + i
            element = element * cs[k - 1] + first
            ranges.append((offset + element * inner * item, (last - first) * inner * item))
    sizes = {size for _, size in ranges}
    return ranges if len(sizes) == 1 and min(sizes) >= min_bytes else None


# ---- the benchmark -----------------------------------------------------------------------------------
def run(args):
    with tempfile.TemporaryDirectory(prefix="seed-workflow-") as work:  # chunk lists, .npy results
        return run_in(args, work)


def run_in(args, work):
    me = os.path.abspath(__file__)
    py = "/usr/bin/python3"
    files = {1: dict(kv.split("=", 1) for kv in args.file1), 2: dict(kv.split("=", 1) for kv in args.file2)}
    warm = dict(kv.split("=", 1) for kv in args.warm)
    steps = [s for s in args.steps.split(",") if s]
    kinds = [k for k in args.kinds.split(",") if k]
    for s in steps:
        if s not in ALL_STEPS:
            sys.exit(f"--steps: unknown step '{s}' (steps: {', '.join(ALL_STEPS)})")
    for k in kinds:
        if k not in KIND_NAME:
            sys.exit(f"--kinds: unknown kind '{k}' (none, gzip)")

    # The runs: (step, kind, side) -> (command, parse, output); floors read the chunks the step touches.
    print("planning: chunk index (h5py), boxes and windows (HyperSpy) ...", file=sys.stderr)
    runs, plan, indexes = {}, {}, {}
    roi_command = "roi" in steps and has_roi_command(args.hyperchunk)
    for kind in kinds:
        for step in steps:
            path = files[2 if step == "rebin" else 1][kind]
            if path not in indexes:
                indexes[path] = read_chunks(path)
            chunks, info = indexes[path]
            boxes = step_boxes(step, path)
            need = touched(chunks, info["chunks"], boxes)
            idx = os.path.join(work, f"{step}_{kind}.chunks")
            with open(idx, "w") as o:
                for _, offset, size, mask in need:
                    o.write(f"{offset} {size} {mask}\n")
            plan[(step, kind)] = {"path": path, "info": info, "chunks": len(need), "of": len(chunks),
                                  "decoded": len(need) * info["chunk_bytes"], "stored": sum(c[2] for c in need)}
            out_hs, out_hc = os.path.join(work, f"hs_{step}_{kind}.npy"), os.path.join(work, f"hc_{step}_{kind}.npy")
            runs[(step, kind, "hyperspy")] = (
                [py, me, "hyperspy", step, path, out_hs] + (["--warm", warm[kind]] if kind in warm else []),
                parse_hyperspy, out_hs)
            runs[(step, kind, "hyperchunk")] = (
                [args.hyperchunk, "--no-progress", "--threads", str(args.threads)]
                + hyperchunk_args(step, path, roi_command) + ["-o", out_hc, "--overwrite"], None, out_hc)
            floor = [args.floor, "--file", path, "--index", idx, "--chunk-bytes", str(info["chunk_bytes"]),
                     "--threads", str(args.threads), "--repeat", "1"]
            if info["compression"] == "gzip":
                floor += ["--decode", "zlib"] + (["--shuffle", str(info["itemsize"])] if info["shuffle"] else [])
            elif info["compression"] is not None:
                sys.exit(f"{path}: compression {info['compression']} is not handled by the floor")
            runs[(step, kind, "floor")] = (floor, parse_floor, None)
            ranges = exact_ranges(need, info, boxes)
            if ranges and len(ranges) * ranges[0][1] < plan[(step, kind)]["decoded"]:
                # Context: a reader that preads only the box's bytes (as HDF5 does for HyperSpy here).
                ridx = os.path.join(work, f"{step}_{kind}.ranges")
                with open(ridx, "w") as o:
                    o.writelines(f"{offset} {size} 0\n" for offset, size in ranges)
                plan[(step, kind)]["ranges"] = (len(ranges), ranges[0][1])
                runs[(step, kind, "floor-exact")] = (
                    [args.floor, "--file", path, "--index", ridx, "--chunk-bytes", str(ranges[0][1]), "--threads",
                     str(args.threads), "--repeat", "1"], parse_floor, None)

    for kind in kinds:  # hyperchunk's fixed cost: process start, libraries, HDF5 open, chunk index, .npy write
        if kind in warm:
            runs[("fixed", kind, "hyperchunk")] = (
                [args.hyperchunk, "--no-progress", "--threads", str(args.threads), "reduce", warm[kind], "--op", "sum",
                 "--axis", "navigation", "-o", os.path.join(work, f"fixed_{kind}.npy"), "--overwrite"], None, None)

    load_before = os.getloadavg()[0]
    res = {k: {"t": [], "rss": [], "cpu": [], "wall": []} for k in runs}

    def once(key, timed_round):
        cmd, parse, _ = runs[key]
        t, rss, stdout, cpu, wall = timed(cmd, parse)
        res[key]["rss"].append(rss)
        res[key]["stdout"] = stdout
        if timed_round:
            res[key]["t"].append(t)
            res[key]["cpu"].append(cpu)
            res[key]["wall"].append(wall)
        else:
            res[key]["warm"] = t

    if not args.as_cached:
        print("reading each data file in afresh (evicted, then read once from start to end) ...", file=sys.stderr)
        read_in(sorted(indexes))
    print(f"warm-up round (results checked), then {args.repeat} timed rounds ...", file=sys.stderr)
    for key in runs:
        once(key, False)
    checks = {(step, kind): compare(runs[(step, kind, "hyperspy")][2], runs[(step, kind, "hyperchunk")][2])
              for step in steps for kind in kinds}
    cache = {p: cached_fraction(p) for p in indexes}
    for r in range(args.repeat):
        print(f"round {r + 1}/{args.repeat}", file=sys.stderr)
        for key in runs:
            once(key, True)

    # ---- report --------------------------------------------------------------------------------
    med = {k: statistics.median(v["t"]) for k, v in res.items()}
    mcpu = {k: statistics.median(v["cpu"]) for k, v in res.items()}
    peak = {k: mib(max(v["rss"])) for k, v in res.items()}
    out = []
    for n in (1, 2):
        for kind in kinds:
            p = files[n][kind]
            if p in indexes:
                info = indexes[p][1]
                frac = cache.get(p)
                out.append(f"- file {n}, {KIND_NAME[kind]}: {p}: {info['shape']} {info['dtype']}, chunks "
                           f"{info['chunks']} ({len(indexes[p][0])} chunks of {info['chunk_bytes'] / 2**20:.0f} MiB), "
                           f"{os.path.getsize(p) / 1e9:.3f} GB on disk"
                           + (f", compression {info['compression']}, shuffle {info['shuffle']}" if info["compression"]
                              else "") + (f"; {frac:.0%} in the page cache after the warm-up" if frac is not None
                                          else ""))
    out.append("- warm page cache, " + ("as found" if args.as_cached else "each data file evicted and read in once "
                                         "first (as a file read in from disk is cached)")
               + f"; medians of {args.repeat} rounds; {args.threads} threads for hyperchunk and the "
               "floor (dask: its default threaded scheduler, one thread per CPU); HyperSpy's time = hs.load + the "
               "step + compute (imports excluded: the same step runs first on a 16x16x992 file, untimed), "
               "hyperchunk's = the whole process, the floor's = its own clock "
               "(first pread to last sum)")
    out.append("- hyperchunk's commands: " + "; ".join(
        f"{step}: `hyperchunk {' '.join(hyperchunk_args(step, 'f2' if step == 'rebin' else 'f', roi_command))} "
        "-o x.npy`" for step in steps))
    out.append("")
    out.append("| step | file | HyperSpy s | hyperchunk s | HyperSpy / hyperchunk | "
               "floor s (its process; bytes read) | "
               "hyperchunk / floor (/ its process) | peak RSS MiB HyperSpy / hyperchunk | check | "
               "targets (10x, 1.5x floor, 1 GiB) |")
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    missed = []
    for step in steps:
        for kind in kinds:
            hs_t, hc_t = med[(step, kind, "hyperspy")], med[(step, kind, "hyperchunk")]
            pl, c = plan[(step, kind)], checks[(step, kind)]
            # The floor: the cheaper of reading the touched chunks whole and reading only the box's bytes.
            fl_key, what = (step, kind, "floor"), f"{pl['chunks']}/{pl['of']} chunks, {pl['decoded'] / 1e9:.2f} GB"
            if (step, kind, "floor-exact") in med and med[(step, kind, "floor-exact")] < med[fl_key]:
                n, size = pl["ranges"]
                fl_key, what = (step, kind, "floor-exact"), f"only the box: {n} x {size} B, {n * size / 1e9:.4f} GB"
            fl_t, fl_proc = med[fl_key], statistics.median(res[fl_key]["wall"])
            speedup, vs_floor = hs_t / hc_t, hc_t / fl_t
            rss_hc = peak[(step, kind, "hyperchunk")]
            check = ("exact" if c["exact"] else f"max rel {c['max_rel']:.1e}" if c["allclose"] else
                     f"DIFFERS ({c.get('shape')}, max rel {c['max_rel']:.1e})")
            ok = [speedup >= TARGET_VS_HYPERSPY, vs_floor <= TARGET_VS_FLOOR, rss_hc < TARGET_RSS_MIB]
            verdict = ", ".join("met" if x else "MISSED" for x in ok)
            for name, x in zip(("10x HyperSpy", "1.5x floor", "RSS < 1 GiB"), ok):
                if not x:
                    missed.append(f"{step} {KIND_NAME[kind]}: {name}")
            out.append(f"| {step} | {2 if step == 'rebin' else 1} {KIND_NAME[kind]} | "
                       f"{hs_t:.3f} (CPU {mcpu[(step, kind, 'hyperspy')]:.2f}) | "
                       f"{hc_t:.3f} (CPU {mcpu[(step, kind, 'hyperchunk')]:.2f}) | **{speedup:.1f}x** | "
                       f"{fl_t:.4f} ({fl_proc:.3f}; {what}) | "
                       f"**{vs_floor:.2f}** ({hc_t / fl_proc:.2f}) | "
                       f"{peak[(step, kind, 'hyperspy')]:.0f} / {rss_hc:.0f} | {check} | {verdict} |")
    out.append("")
    for (step, kind), pl in plan.items():
        if "ranges" in pl:
            key = (step, kind, "floor-exact")
            n, size = pl["ranges"]
            out.append(f"Floors, {step} {KIND_NAME[kind]}: whole chunks ({pl['chunks']}, {pl['decoded'] / 1e9:.2f} GB) "
                       f"{med[(step, kind, 'floor')]:.4f} s in its clock, "
                       f"{statistics.median(res[(step, kind, 'floor')]['wall']):.3f} s as a process; "
                       f"pread of only the box's bytes ({n} ranges of {size} B, {n * size / 1e6:.2f} MB): "
                       f"{med[key]:.4f} s in its clock, {statistics.median(res[key]['wall']):.3f} s as a process; "
                       f"its total {floor_total(res[key]['stdout']):.17g}, the sum of the result "
                       f"{checks[(step, kind)]['total']:.17g}.")
            out.append("")
    fixed = [f"{KIND_NAME[k]} {med[('fixed', k, 'hyperchunk')]:.3f} s" for k in kinds
             if ("fixed", k, "hyperchunk") in med]
    if fixed:
        out.append("hyperchunk's fixed cost (the sum step's command on a 16x16x992 file: process start, libraries, "
                   "HDF5 open, chunk index, .npy write): " + ", ".join(fixed) + ".")
        out.append("")
    if "lines" in steps and "lines-1" in steps:
        out.append("A second map (lines Fe_Ka,Pt_La against lines Fe_Ka alone, medians):")
        for kind in kinds:
            two = {side: med[("lines", kind, side)] for side in ("hyperspy", "hyperchunk")}
            one = {side: med[("lines-1", kind, side)] for side in ("hyperspy", "hyperchunk")}
            out.append(f"- {KIND_NAME[kind]}: hyperchunk {one['hyperchunk']:.3f} s -> {two['hyperchunk']:.3f} s "
                       f"({(two['hyperchunk'] / one['hyperchunk'] - 1) * 100:+.0f} %); HyperSpy "
                       f"{one['hyperspy']:.3f} s -> {two['hyperspy']:.3f} s "
                       f"({(two['hyperspy'] / one['hyperspy'] - 1) * 100:+.0f} %)")
        out.append("")
    out.append("Checks: hyperchunk's .npy against HyperSpy's result (np.array_equal = exact; else "
               "np.allclose(rtol=1e-12, atol=0) and the max relative difference):")
    for (step, kind), c in checks.items():
        out.append(f"- {step} {KIND_NAME[kind]}: shape {c['shape']}, dtype (HyperSpy/hyperchunk) {c.get('dtype')}, "
                   f"exact {c['exact']}, allclose {c['allclose']}, max relative difference {c['max_rel']:.3g}")
    out.append("")
    out.append("Every run (seconds: warm-up; timed rounds [CPU seconds, user + system; HyperSpy: of the timed part] "
               "| floor: the whole process's wall):")
    for key, v in res.items():
        extra = (" | process " + ", ".join(f"{w:.3f}" for w in v["wall"])) if key[2].startswith("floor") else ""
        out.append(f"- {' '.join(key)}: {v['warm']:.3f}; " + ", ".join(f"{t:.3f}" for t in v["t"])
                   + " [" + ", ".join(f"{c:.2f}" for c in v["cpu"]) + "]" + extra)
    out.append(f"Load average (1 min) before / after: {load_before:.2f} / {os.getloadavg()[0]:.2f} on "
               f"{os.cpu_count()} CPUs (a shared machine: other jobs add noise).")
    out.append("")
    out.append("Targets (issue 5: every step >= 10x faster than HyperSpy, within 1.5x of its floor, peak RSS < 1 GiB): "
               + ("all met" if not missed else "MISSED: " + "; ".join(missed)))
    print("\n".join(out))
    agree = all(c["allclose"] for c in checks.values())
    return 0 if agree else 1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    h = sub.add_parser("hyperspy")
    h.add_argument("step", choices=ALL_STEPS)
    h.add_argument("file")
    h.add_argument("out")
    h.add_argument("--warm", help="a small file of the same kind: the step runs on it first, untimed (imports)")
    r = sub.add_parser("run")
    r.add_argument("--hyperchunk", required=True)
    r.add_argument("--floor", required=True)
    r.add_argument("--file1", nargs="+", required=True, help="KIND=PATH of file 1, per kind")
    r.add_argument("--file2", nargs="+", required=True, help="KIND=PATH of file 2, per kind")
    r.add_argument("--warm", nargs="+", default=[], help="KIND=PATH of a small file, per kind (HyperSpy's imports)")
    r.add_argument("--repeat", type=int, default=3)
    r.add_argument("--as-cached", action="store_true",
                   help="measure the page cache as found (default: each data file is evicted and read in once first)")
    r.add_argument("--steps", default=",".join(ALL_STEPS))
    r.add_argument("--kinds", default="none,gzip")
    r.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    a = p.parse_args()
    if a.cmd == "hyperspy":
        hyperspy_run(a.step, a.file, a.out, a.warm)
        return 0
    return run(a)


if __name__ == "__main__":
    sys.exit(main())
