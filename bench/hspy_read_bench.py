#!/usr/bin/python3
"""Helpers of bench/hspy_read_bench.sh: a full pass over the tutorial's 2 GB .hspy file,
hyperchunk against HyperSpy + dask and against the raw read / decode floor.

    hspy_read_bench.py index FILE OUT          chunk byte ranges of FILE's data (h5py) -> OUT
    hspy_read_bench.py hyperspy FILE WHAT OUT  one timed HyperSpy run (WHAT: navigation | signal)
    hspy_read_bench.py evict FILE...           drop FILE's pages from the page cache
    hspy_read_bench.py run --hyperchunk BIN --floor BIN --data DIR [--repeat N] [--cold]
                                               the benchmark: runs everything, prints the table

Run with Debian's /usr/bin/python3 (HyperSpy 1.7.3, h5py, dask). Every timed run is a fresh
process under /usr/bin/time -v (its peak RSS). Warm page cache: each step runs once untimed
(its result is checked), then --repeat rounds run every step in turn; medians are reported.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

DATASET = "Experiments/__unnamed__/data"

# The targets.
TARGET_VS_HYPERSPY = {"none": 10.0, "gzip": 4.0}  # hyperchunk at least this many times faster
TARGET_VS_FLOOR = {"none": 1.5, "gzip": 1.3}  # hyperchunk within this factor of the floor
TARGET_RSS_MIB = 1024


# ---- index ----------------------------------------------------------------------------------------
def chunk_index(path, out):
    import h5py

    with h5py.File(path, "r") as f:
        ds = f[DATASET]
        n = ds.id.get_num_chunks()
        with open(out, "w") as o:
            for i in range(n):  # by index: quadratic in HDF5 1.10, fine for 32 chunks
                c = ds.id.get_chunk_info(i)
                o.write(f"{c.byte_offset} {c.size} {c.filter_mask}\n")
        chunk_bytes = ds.dtype.itemsize
        for c in ds.chunks:
            chunk_bytes *= c
        info = {
            "shape": list(ds.shape),
            "chunks": list(ds.chunks),
            "dtype": str(ds.dtype),
            "itemsize": ds.dtype.itemsize,
            "compression": ds.compression,
            "compression_opts": ds.compression_opts,
            "shuffle": bool(ds.shuffle),
            "num_chunks": n,
            "chunk_bytes": chunk_bytes,
        }
    return info


# ---- one HyperSpy run ------------------------------------------------------------------------------
def warm_up(hs, np, step):
    """Runs `step` once on a tiny file written here: hyperspy.api imports lazily, and the first
    hs.load of a session spends seconds importing io plugins, signal classes and dask's array code.
    The clock should hold only the step's own work, as in a session where they are loaded."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "warm.hspy")
        s = hs.signals.Signal1D(np.zeros((4, 4, 992)))
        s.set_signal_type("EDS_TEM")
        s.axes_manager[-1].offset, s.axes_manager[-1].scale = 0.16, 0.02
        s.save(path)
        step(hs.load(path, lazy=True))


def hyperspy_run(path, what, out):
    import numpy as np
    import hyperspy.api as hs  # imported before the clock starts

    def step(s):
        r = s.sum() if what == "navigation" else s.sum(s.axes_manager.signal_axes)
        r.compute(show_progressbar=False)

    warm_up(hs, np, step)
    t0, c0 = time.perf_counter(), time.process_time()
    s = hs.load(path, lazy=True)
    r = s.sum() if what == "navigation" else s.sum(s.axes_manager.signal_axes)
    r.compute(show_progressbar=False)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    np.save(out, np.asarray(r.data))
    print(json.dumps({"seconds": seconds, "cpu": cpu}))


# ---- page cache ------------------------------------------------------------------------------------
def evict(paths):
    """Drops the file's clean pages from the page cache (only this file's: the machine is shared)."""
    for p in paths:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fdatasync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def read_in(paths):
    """Evicts each file and reads it once from start to end: its pages are then as the kernel's
    readahead caches a file that is read in, whatever happened to them before. How the pages of a
    file stay cached over hours (the machine is shared) moved a 2 GB pass over the page cache by
    up to 1.7x here; starting every run from a fresh read-in makes runs comparable."""
    evict(paths)
    for p in paths:
        with open(p, "rb", buffering=0) as f:
            buf = bytearray(16 << 20)
            while f.readinto(buf):
                pass


def cached_fraction(path):
    """Fraction of the file's pages in the page cache (util-linux fincore), or None."""
    try:
        out = subprocess.run(["fincore", "--bytes", "--noheadings", "--output", "RES,SIZE", path],
                             capture_output=True, text=True, check=True).stdout.split()
        return int(out[0]) / max(1, int(out[1]))
    except (OSError, subprocess.CalledProcessError, ValueError, IndexError):
        return None


# ---- the benchmark -----------------------------------------------------------------------------------
def timed(cmd, parse=None):
    """Runs cmd under /usr/bin/time -v; returns (seconds, peak RSS KiB, stdout, CPU seconds). seconds:
    parse(stdout) when given (a time the program reports itself), else the wall time around the
    process. CPU seconds: user + system of the whole process (HyperSpy: of the timed part only)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-v", "-o", tf.name] + cmd, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if p.returncode != 0:
            sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")
        report = tf.read()
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
        rss = int(m.group(1)) if m else 0
        cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([0-9.]+)", report))
    if parse is parse_hyperspy:
        cpu = json.loads(p.stdout.strip().splitlines()[-1])["cpu"]
    return (parse(p.stdout) if parse else wall), rss, p.stdout, cpu, wall


def parse_hyperspy(stdout):
    return json.loads(stdout.strip().splitlines()[-1])["seconds"]


def parse_floor(stdout):
    return float(re.search(r"pass wall_s=([0-9.]+)", stdout).group(1))


def floor_phases(stdout):
    return {k: float(v) for k, v in re.findall(r"(\w+)_s=([0-9.]+)", stdout.splitlines()[0]) if k not in ("wall", "gb")}


def floor_total(stdout):
    return float(re.search(r"total=(\S+)", stdout).group(1))


def compare(a_path, b_path):
    import numpy as np

    a, b = np.load(a_path), np.load(b_path)
    if a.shape != b.shape:
        return {"shape": f"{a.shape} vs {b.shape}", "allclose": False, "max_rel": float("inf"), "exact": False}
    denom = np.maximum(np.abs(a), np.abs(b))
    diff = np.abs(a - b)
    rel = np.divide(diff, denom, out=np.zeros_like(diff, dtype=np.float64), where=denom > 0)
    return {"allclose": bool(np.allclose(a, b, rtol=1e-12, atol=0)), "max_rel": float(rel.max()),
            "exact": bool(np.array_equal(a, b)), "dtype": f"{a.dtype}/{b.dtype}", "shape": str(a.shape),
            "total": float(a.sum(dtype=np.float64))}


def mib(kib):
    return kib / 1024


def run(args):
    with tempfile.TemporaryDirectory(prefix="hspy-read-bench-") as work:  # chunk lists, .npy results
        return run_in(args, work)


def run_in(args, work):
    here = os.path.dirname(os.path.abspath(__file__))
    me = os.path.join(here, "hspy_read_bench.py")
    py = "/usr/bin/python3"
    files, infos = {}, {}
    for kind in ("none", "gzip"):
        f = os.path.join(args.data, f"tutorial_{kind}.hspy")
        idx = os.path.join(work, f"{kind}.chunks")
        files[kind] = (f, idx)
        infos[kind] = chunk_index(f, idx)
    gb = infos["none"]["chunk_bytes"] * infos["none"]["num_chunks"] / 1e9

    # Every step: name -> (kind, command, parse); hyperchunk / HyperSpy write .npy results.
    steps = {}
    for kind in ("none", "gzip"):
        f, idx = files[kind]
        info = infos[kind]
        for what in ("navigation", "signal"):
            out_hs = os.path.join(work, f"hs_{kind}_{what}.npy")
            out_hc = os.path.join(work, f"hc_{kind}_{what}.npy")
            steps[("hyperspy", kind, what)] = ([py, me, "hyperspy", f, what, out_hs], parse_hyperspy, out_hs)
            steps[("hyperchunk", kind, what)] = (
                [args.hyperchunk, "--no-progress", "--threads", str(args.threads), "reduce", f, "--op", "sum",
                 "--axis", what, "-o", out_hc, "--overwrite"], None, out_hc)
        floor = [args.floor, "--file", f, "--index", idx, "--chunk-bytes", str(info["chunk_bytes"]), "--threads",
                 str(args.threads), "--repeat", "1"]
        if kind == "none":
            steps[("floor", kind, "")] = (floor, parse_floor, None)
            steps[("floor-1MiB", kind, "")] = (floor + ["--block", str(1 << 20)], parse_floor, None)
        else:
            dec = floor + ["--decode", "zlib"] + (["--shuffle", str(info["itemsize"])] if info["shuffle"] else [])
            steps[("floor", kind, "")] = (dec, parse_floor, None)
            steps[("floor-fused", kind, "")] = (dec + ["--fused"], parse_floor, None)
    # hyperchunk's fixed cost: the same command on a 4x4x992 file (process start, libraries, HDF5
    # open, chunk index, .npy write).
    tiny = os.path.join(args.data, "tiny_none.hspy")
    if os.path.exists(tiny):
        steps[("hyperchunk-fixed", "tiny", "")] = (
            [args.hyperchunk, "--no-progress", "--threads", str(args.threads), "reduce", tiny, "--op", "sum",
             "--axis", "navigation", "-o", os.path.join(work, "tiny.npy"), "--overwrite"], None, None)

    load_before = os.getloadavg()[0]
    results = {k: {"t": [], "rss": [], "cpu": [], "wall": [], "out": None} for k in steps}

    def once(key):
        cmd, parse, _ = steps[key]
        t, rss, out, cpu, wall = timed(cmd, parse)
        results[key]["cpu"].append(cpu)
        results[key]["wall"].append(wall)
        return t, rss, out

    if not args.as_cached:
        print("reading each data file in afresh (evicted, then read once from start to end) ...", file=sys.stderr)
        read_in([files[kind][0] for kind in files])
    # Warm-up round: fills the page cache, checks results.
    print(f"warm-up round (results checked), then {args.repeat} timed rounds ...", file=sys.stderr)
    for key in steps:
        t, rss, out = once(key)
        results[key]["warm"] = t
        results[key]["out"] = out
        results[key]["rss"].append(rss)
    cache = {kind: cached_fraction(files[kind][0]) for kind in files}
    for r in range(args.repeat):
        print(f"round {r + 1}/{args.repeat}", file=sys.stderr)
        for key in steps:
            t, rss, out = once(key)
            results[key]["t"].append(t)
            results[key]["rss"].append(rss)
            if key[0].startswith("floor"):
                results[key]["out"] = out

    cold = {}
    if args.cold:
        print("cold runs (each file's pages evicted before each run) ...", file=sys.stderr)
        for key in steps:
            kind = key[1]
            if kind not in files:
                continue
            evict([files[kind][0]])
            before = cached_fraction(files[kind][0])
            t, rss, _ = once(key)
            results[key]["wall"].pop()
            cold[key] = (t, before, results[key]["cpu"].pop())

    # ---- checks --------------------------------------------------------------------------------
    checks = {}
    for kind in ("none", "gzip"):
        for what in ("navigation", "signal"):
            checks[(kind, what)] = compare(steps[("hyperspy", kind, what)][2], steps[("hyperchunk", kind, what)][2])
        checks[(kind, "floor total")] = floor_total(results[("floor", kind, "")]["out"])

    # ---- report --------------------------------------------------------------------------------
    med = {k: statistics.median(v["t"]) for k, v in results.items()}
    peak = {k: max(v["rss"]) for k, v in results.items()}
    mcpu = {k: statistics.median(v["cpu"][1:] or v["cpu"]) for k, v in results.items()}
    label = {"navigation": "`s.sum()` (sum spectrum) | `--axis navigation`",
             "signal": "`s.sum(signal_axes)` (navigator) | `--axis signal`"}
    kind_name = {"none": "uncompressed", "gzip": "gzip+shuffle"}
    lines = []
    lines.append(f"Data: {infos['none']['shape']} {infos['none']['dtype']} ({gb:.3f} GB), chunks "
                 f"{tuple(infos['none']['chunks'])}, {infos['none']['num_chunks']} chunks; files: uncompressed "
                 f"{os.path.getsize(files['none'][0]) / 1e9:.3f} GB, gzip "
                 f"{os.path.getsize(files['gzip'][0]) / 1e9:.4f} GB (level {infos['gzip']['compression_opts']}, "
                 f"shuffle {infos['gzip']['shuffle']}).")
    lines.append("Warm page cache, " + ("as found" if args.as_cached else "each file evicted and read in once first")
                 + " (fraction of each file cached after the warm-up round: "
                 + ", ".join(f"{k} {v:.0%}" if v is not None else f"{k} ?" for k, v in cache.items())
                 + f"); medians of {args.repeat} rounds; {args.threads} threads for hyperchunk and the floor (dask: its "
                 "default, one per CPU). CPU = median user + system seconds of the process (HyperSpy: of "
                 "the timed part).")
    lines.append("")
    lines.append("| step | hyperchunk's `reduce` | HyperSpy | hyperchunk | HyperSpy / hyperchunk | floor | "
                 "hyperchunk / floor | peak RSS HyperSpy | peak RSS hyperchunk |")
    lines.append("|---|---|---|---|---|---|---|---|---|")
    verdicts = []
    for kind in ("none", "gzip"):
        fl = med[("floor", kind, "")]
        for what in ("navigation", "signal"):
            hs_t, hc_t = med[("hyperspy", kind, what)], med[("hyperchunk", kind, what)]
            speedup, vs_floor = hs_t / hc_t, hc_t / fl
            rss_hs, rss_hc = peak[("hyperspy", kind, what)], peak[("hyperchunk", kind, what)]
            lines.append(
                f"| {kind_name[kind]}: {label[what]} | {hs_t:.3f} s (CPU {mcpu[('hyperspy', kind, what)]:.2f} s) | "
                f"{hc_t:.3f} s ({gb / hc_t:.2f} GB/s; CPU {mcpu[('hyperchunk', kind, what)]:.2f} s) | "
                f"**{speedup:.1f}x** | {fl:.3f} s ({gb / fl:.2f} GB/s; CPU {mcpu[('floor', kind, '')]:.2f} s) | "
                f"**{vs_floor:.3f}** | "
                f"{mib(rss_hs):.0f} MiB | {mib(rss_hc):.0f} MiB |")
            ok_s = speedup >= TARGET_VS_HYPERSPY[kind]
            ok_f = vs_floor <= TARGET_VS_FLOOR[kind]
            ok_r = mib(rss_hc) <= TARGET_RSS_MIB
            verdicts.append(
                f"- {kind_name[kind]}, --axis {what}: {speedup:.1f}x HyperSpy (target >= "
                f"{TARGET_VS_HYPERSPY[kind]:g}x: {'met' if ok_s else 'MISSED'}); {vs_floor:.3f}x the floor "
                f"(target <= {TARGET_VS_FLOOR[kind]:g}x: {'met' if ok_f else 'MISSED'}); peak RSS "
                f"{mib(rss_hc):.0f} MiB (target <= {TARGET_RSS_MIB} MiB: {'met' if ok_r else 'MISSED'})")
    lines.append("")
    lines.append("Floors (the same fresh-process runs; time measured inside the program, from the first pread):")
    for key, desc in ((("floor", "none", ""), "uncompressed: pread whole 62 MiB chunks + sum (the floor above)"),
                      (("floor-1MiB", "none", ""), "uncompressed: pread 1 MiB at a time + sum each piece in cache"),
                      (("floor", "gzip", ""), "gzip: pread + libdeflate inflate + unshuffle + sum (the floor above)"),
                      (("floor-fused", "gzip", ""), "gzip: pread + inflate + unshuffle/sum fused in 32 KiB tiles")):
        ph = floor_phases(results[key]["out"])
        pw = statistics.median(results[key]["wall"][1:])
        lines.append(f"- {desc}: {med[key]:.3f} s ({gb / med[key]:.2f} GB/s; the whole process, start to exit: "
                     f"{pw:.3f} s), peak RSS {mib(peak[key]):.0f} MiB; "
                     f"thread-seconds of the last run: " + ", ".join(f"{k} {v:.2f}" for k, v in ph.items() if v > 0))
    if ("hyperchunk-fixed", "tiny", "") in med:
        k = ("hyperchunk-fixed", "tiny", "")
        lines.append(f"- hyperchunk's fixed cost (the same reduce on a 4x4x992 file: process start, libraries, "
                     f"HDF5 open, chunk index, .npy write): {med[k]:.3f} s, CPU {mcpu[k]:.3f} s")
    lines.append("")
    lines.append("Results (hyperchunk against HyperSpy, float64):")
    for kind in ("none", "gzip"):
        for what in ("navigation", "signal"):
            c = checks[(kind, what)]
            lines.append(f"- {kind_name[kind]} --axis {what}: shape {c['shape']}, np.allclose(rtol=1e-12): "
                         f"{c['allclose']}, max relative difference {c['max_rel']:.3g}, bit-identical: {c['exact']}")
        lines.append(f"- {kind_name[kind]}: floor's total {checks[(kind, 'floor total')]:.17g}, hyperchunk's "
                     f"sum spectrum summed {checks[(kind, 'navigation')]['total']:.17g}")
    lines.append("")
    lines.append("Every run (seconds; warm-up first; in brackets the CPU seconds, user + system, of each):")
    for key, v in results.items():
        name = " ".join(x for x in key if x)
        lines.append(f"- {name}: warm-up {v['warm']:.3f}; " + ", ".join(f"{t:.3f}" for t in v["t"])
                     + " [" + ", ".join(f"{c:.2f}" for c in v["cpu"]) + "]")
    lines.append(f"Load average (1 min) before / after: {load_before:.2f} / {os.getloadavg()[0]:.2f} "
                 f"on {os.cpu_count()} CPUs (the machine is shared: other jobs add noise).")
    if cold:
        lines.append("")
        lines.append("Cold page cache (one run each; the file's pages evicted with posix_fadvise(DONTNEED) "
                     "just before; cached fraction of the file before the run in brackets):")
        for key, (t, before, cpu) in cold.items():
            name = " ".join(x for x in key if x)
            frac = f"{before:.0%}" if before is not None else "?"
            lines.append(f"- {name}: {t:.3f} s ({gb / t:.2f} GB/s), CPU {cpu:.2f} s [{frac} cached]")
    lines.append("")
    lines.append("Targets (issue 3):")
    lines.extend(verdicts)
    print("\n".join(lines))
    agree = all(c["allclose"] for c in checks.values() if isinstance(c, dict))
    return 0 if agree else 1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("index")
    a.add_argument("file")
    a.add_argument("out")
    a = sub.add_parser("hyperspy")
    a.add_argument("file")
    a.add_argument("what", choices=["navigation", "signal"])
    a.add_argument("out")
    a = sub.add_parser("evict")
    a.add_argument("files", nargs="+")
    a = sub.add_parser("run")
    a.add_argument("--hyperchunk", required=True)
    a.add_argument("--floor", required=True)
    a.add_argument("--data", required=True)
    a.add_argument("--repeat", type=int, default=3)
    a.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    a.add_argument("--cold", action="store_true", help="also one cold-cache run of each step")
    a.add_argument("--as-cached", action="store_true",
                   help="measure the page cache as found (default: each data file is evicted and read in once first)")
    args = p.parse_args()
    if args.cmd == "index":
        print(json.dumps(chunk_index(args.file, args.out)))
    elif args.cmd == "hyperspy":
        hyperspy_run(args.file, args.what, args.out)
    elif args.cmd == "evict":
        evict(args.files)
    else:
        sys.exit(run(args))


if __name__ == "__main__":
    main()
