#!/usr/bin/python3
"""The tutorial's rebin step (issue 4): `s2.isig[:15.0].rebin(scale=(4, 4, 1)).compute()` on the
(16, 512, 992)-chunked 2 GB file, through HyperSpy 1.7.3 + dask and through `hyperchunk rebin`, against
the raw read rate of the same bytes (one pass of the file), in one run, with the peak RSS of each.

    rebin_bench.py hyperspy FILE OUT            one timed HyperSpy run (the result saved to OUT.npy)
    rebin_bench.py run --hyperchunk BIN --floor BIN --file FILE [--repeat N] [--threads N]

Run with Debian's /usr/bin/python3. Each timed run is a fresh process under /usr/bin/time -v. Warm
page cache: every step runs once untimed (results compared), then --repeat rounds; medians reported.
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hspy_read_bench import chunk_index, compare, mib, parse_floor, parse_hyperspy, timed, warm_up  # noqa: E402

TARGET_VS_HYPERSPY = 10.0
TARGET_VS_FLOOR = 1.5
TARGET_RSS_MIB = 1024


def hyperspy_run(path, out):
    import numpy as np
    import hyperspy.api as hs  # imported before the clock starts

    warm_up(hs, np, lambda s: s.isig[:15.0].rebin(scale=(4, 4, 1)).compute(show_progressbar=False))
    t0, c0 = time.perf_counter(), time.process_time()
    s2 = hs.load(path, lazy=True)
    r = s2.isig[:15.0].rebin(scale=(4, 4, 1))
    r.compute(show_progressbar=False)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    np.save(out, np.asarray(r.data))
    print(json.dumps({"seconds": seconds, "cpu": cpu}))


def run(args):
    here = os.path.dirname(os.path.abspath(__file__))
    with tempfile.TemporaryDirectory(prefix="rebin-bench-") as work:
        idx = os.path.join(work, "chunks")
        info = chunk_index(args.file, idx)
        out_hs, out_hc = os.path.join(work, "hs.npy"), os.path.join(work, "hc.npy")
        steps = {
            "HyperSpy 1.7.3": ([sys.executable, os.path.join(here, "rebin_bench.py"), "hyperspy", args.file, out_hs],
                               parse_hyperspy),
            "hyperchunk": ([args.hyperchunk, "--no-progress", "--threads", str(args.threads), "rebin", args.file,
                            "--isig", ":15.0", "--scale", "4,4,1", "--overwrite", "-o", out_hc], None),
            # isig[:15.0] keeps 742 of 992 channels, but every (16, 512, 992) chunk holds all channels:
            # the step reads the whole file, so its floor is one pread pass over every chunk.
            "read floor": ([args.floor, "--file", args.file, "--index", idx, "--chunk-bytes", str(info["chunk_bytes"]),
                            "--threads", str(args.threads), "--repeat", "1"], parse_floor),
        }
        res = {k: {"t": [], "rss": [], "cpu": []} for k in steps}
        for k, (cmd, parse) in steps.items():  # warm-up round, untimed
            timed(cmd, parse)
        check = compare(out_hs, out_hc)
        for _ in range(args.repeat):
            for k, (cmd, parse) in steps.items():
                t, rss, _, cpu, _ = timed(cmd, parse)
                res[k]["t"].append(t)
                res[k]["rss"].append(rss)
                res[k]["cpu"].append(cpu)
        med = {k: statistics.median(v["t"]) for k, v in res.items()}
        rss = {k: max(v["rss"]) for k, v in res.items()}
        print(f"file: {args.file}: shape {info['shape']} {info['dtype']}, chunks {info['chunks']}, "
              f"{info['num_chunks']} chunks, compression {info['compression']}")
        print(f"median of {args.repeat} rounds, warm page cache, load average {os.getloadavg()[0]:.1f}")
        print()
        print("| step | median s | all runs s | peak RSS MiB |")
        print("|---|---|---|---|")
        for k in steps:
            runs = ", ".join(f"{x:.3f}" for x in res[k]["t"])
            print(f"| {k} | {med[k]:.3f} | {runs} | {mib(rss[k]):.0f} |")
        hc = med["hyperchunk"]
        vs_hs = med["HyperSpy 1.7.3"] / hc
        vs_floor = hc / med["read floor"]
        print()
        print(f"hyperchunk vs HyperSpy: {vs_hs:.1f}x faster (target >= {TARGET_VS_HYPERSPY:.0f}x: "
              f"{'met' if vs_hs >= TARGET_VS_HYPERSPY else 'MISSED'})")
        print(f"hyperchunk / read floor: {vs_floor:.2f} (target <= {TARGET_VS_FLOOR}: "
              f"{'met' if vs_floor <= TARGET_VS_FLOOR else 'MISSED'})")
        print(f"hyperchunk peak RSS: {mib(rss['hyperchunk']):.0f} MiB (target <= {TARGET_RSS_MIB}: "
              f"{'met' if mib(rss['hyperchunk']) <= TARGET_RSS_MIB else 'MISSED'})")
        print(f"results: shape {check['shape']}, dtype {check.get('dtype')}, exact {check['exact']}, "
              f"max relative difference {check['max_rel']:.3g}")
        return 0 if check["allclose"] else 1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    h = sub.add_parser("hyperspy")
    h.add_argument("file")
    h.add_argument("out")
    r = sub.add_parser("run")
    r.add_argument("--hyperchunk", required=True)
    r.add_argument("--floor", required=True)
    r.add_argument("--file", required=True)
    r.add_argument("--repeat", type=int, default=3)
    r.add_argument("--threads", type=int, default=os.cpu_count())
    a = p.parse_args()
    if a.cmd == "hyperspy":
        hyperspy_run(a.file, a.out)
        return 0
    return run(a)


if __name__ == "__main__":
    sys.exit(main())
