"""Driver of bench/roi_bench.sh: runs bench/roi_bench (hyperchunk) and the same steps in HyperSpy
1.7.3, each in its own process, and prints a markdown table with ratios and the issue's targets."""
import argparse
import json
import statistics
import subprocess
import sys
import time

ROI = dict(left=100, top=100, right=110, bottom=110)


def hyperspy(path, warm, repeat):
    """HyperSpy's times (ms) for the ROI sum (first, moved by one pixel) and a pixel's spectrum. The
    same steps run once, untimed, on a small file first: `import hyperspy.api` is lazy and the first
    hs.load imports seconds of modules, which is not the step's work."""
    import hyperspy.api as hs

    def roi_sum(s, left, top):
        r = hs.roi.RectangularROI(left=left, top=top, right=left + 10, bottom=top + 10)(s).sum()
        r.compute(show_progressbar=False)
        return r.data

    w = hs.load(warm, lazy=True)
    hs.roi.RectangularROI(left=1, top=1, right=3, bottom=3)(w).sum().compute(show_progressbar=False)
    w.inav[1, 1].compute(show_progressbar=False)

    s = hs.load(path, lazy=True)
    t0 = time.perf_counter()
    roi_sum(s, ROI["left"], ROI["top"])
    first = (time.perf_counter() - t0) * 1e3
    moves = []
    x, y = ROI["left"], ROI["top"]
    for i in range(repeat):
        if i % 2 == 0:
            x += 1
        else:
            y += 1
        t0 = time.perf_counter()
        roi_sum(s, x, y)
        moves.append((time.perf_counter() - t0) * 1e3)
    spectra = []
    for i in range(repeat):
        t0 = time.perf_counter()
        p = s.inav[100 + i % 10, 105 - i % 7]
        p.compute(show_progressbar=False)
        spectra.append((time.perf_counter() - t0) * 1e3)
    return {"first_ms": first, "move_ms": statistics.median(moves), "spectrum_ms": statistics.median(spectra)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--repeat", type=int, default=11)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--kinds", default="none,gzip")
    ap.add_argument("--hyperspy-json", help=argparse.SUPPRESS)  # internal: one HyperSpy run
    ap.add_argument("--warm", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.hyperspy_json:
        print(json.dumps(hyperspy(args.hyperspy_json, args.warm, args.repeat)))
        return 0

    rows = []
    ok = True
    for kind in args.kinds.split(","):
        path = f"{args.data}/tutorial_{kind}.hspy"
        warm = f"{args.data}/seedwarm_{kind}.hspy"
        hc = subprocess.run([args.bench, path, "--json", "--repeat", str(args.repeat), "--threads", str(args.threads)],
                            capture_output=True, text=True)
        if hc.returncode != 0:
            print(f"roi_bench failed on {path}: {hc.stderr.strip()} {hc.stdout.strip()}", file=sys.stderr)
            ok = False
            continue
        h = json.loads(hc.stdout)
        hs = subprocess.run([sys.executable, __file__, "--bench", args.bench, "--data", args.data, "--repeat",
                             str(args.repeat), "--hyperspy-json", path, "--warm", warm], capture_output=True, text=True)
        if hs.returncode != 0:
            print(f"HyperSpy failed on {path}: {hs.stderr.strip()[-2000:]}", file=sys.stderr)
            ok = False
            continue
        p = json.loads(hs.stdout.strip().splitlines()[-1])
        rows.append((kind, p, h))

    print(f"\nROI {ROI} on the 512x512x992 float64 file, chunks (64, 512, 248); medians of {args.repeat}; "
          f"hyperchunk {rows[0][2]['threads'] if rows else '?'} threads\n")
    print("| file | step | HyperSpy (ms) | hyperchunk (ms) | ratio | target | met |")
    print("|---|---|---:|---:|---:|---|---|")
    for kind, p, h in rows:
        gz = kind == "gzip"
        steps = [
            ("ROI sum, first call", p["first_ms"], h["first_ms"], None),
            ("ROI sum, moved by one pixel", p["move_ms"], h["move_ms"], 100.0 if gz else 20.0),
            ("spectrum at one pixel", p["spectrum_ms"], h["spectrum_ms"], None if gz else 5.0),
            ("spectrum, chunk not cached", None, h["spectrum_uncached_ms"], None),
        ]
        for name, ps, hcms, target in steps:
            ratio = f"{ps / hcms:.0f}x" if ps is not None and hcms > 0 else ""
            met = "" if target is None else ("met" if hcms < target else "MISSED")
            print(f"| {kind} | {name} | {'' if ps is None else f'{ps:.1f}'} | {hcms:.2f} | {ratio} | "
                  f"{'' if target is None else f'< {target:.0f} ms'} | {met} |")
        if not h["identical"]:
            print(f"| {kind} | moved sum differs from a fresh compute | | | | | FAILED |")
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
