#!/usr/bin/python3
"""Writes .hspy files with real HyperSpy 1.7.3 and records what `s.compute_navigator(...)` gives.

Usage (Debian's own interpreter, which has python3-hyperspy):

    /usr/bin/python3 make_navigator_cases.py OUTDIR

Writes OUTDIR/<file>.hspy (several chunkings and dtypes), OUTDIR/cases.json and one .npy per
successful case. Each case loads its file lazily, calls compute_navigator(index=...,
chunks_number=...) and records HyperSpy's navigator (data, dtype, class, axes, title, sum_from,
...), its INFO lines and warnings, or the error HyperSpy raised. stored.hspy is saved by HyperSpy
after compute_navigator: `stored` records the s.navigator HyperSpy loads back from it.
"""

import json
import logging
import shutil
import sys
import warnings
from pathlib import Path

import dask.array as da
import numpy as np
import hyperspy.api as hs

hs.preferences.General.show_progressbar = False
LAZY_LOGGER = logging.getLogger("hyperspy._signals.lazy")
PREFIXES = ("Using index", "Signal chunks", "Computing sum over signal dimension")


def ramp(shape, dtype, modulo=50000):
    return (np.arange(int(np.prod(shape))) % modulo).reshape(shape).astype(dtype)


def save(s, path, chunks):
    s = s.as_lazy()
    s.data = s.data.rechunk(chunks)
    s.save(path, overwrite=True, chunks=chunks)


def eds(shape, chunks, path, dtype=np.uint16):
    s = hs.signals.Signal1D(ramp(shape, dtype))
    s.set_signal_type("EDS_TEM")
    names = ["x", "y"][: len(shape) - 1]
    for axis, name in zip(s.axes_manager.navigation_axes, names):
        axis.name, axis.units, axis.scale = name, "nm", 2.5
    e = s.axes_manager.signal_axes[0]
    e.name, e.units, e.offset, e.scale = "Energy", "keV", 0.16, 0.02
    s.metadata.General.title = "scan"
    s.metadata.set_item("Acquisition_instrument.TEM.Detector.EDS.live_time", 2.5)
    s.original_metadata.set_item("Vendor.gain", 3)
    save(s, path, chunks)


def FILES(out):
    """name -> writer(path); every file small, chunked as the comment says."""
    rng = np.random.default_rng(7)

    def uneven_float64(path):  # chunks (5, 4, 300) of (13, 11, 1000): ragged last chunks
        s = hs.signals.Signal1D(rng.random((13, 11, 1000)))
        s.axes_manager[-1].offset, s.axes_manager[-1].scale = -1.5, 0.01
        s.metadata.General.title = "floats"
        save(s, path, (5, 4, 300))

    def line_int32(path):  # a line scan of signed integers: a Signal1D navigator, int64 sums
        s = hs.signals.Signal1D(ramp((20, 500), np.int32) - 7000)
        s.axes_manager[0].name = "position"
        save(s, path, (7, 128))

    def image_float32(path):  # two signal axes (x 50, y 40), chunks 20 x 16
        s = hs.signals.Signal2D(ramp((6, 40, 50), np.float32, 97))
        s.axes_manager.signal_axes[0].offset, s.axes_manager.signal_axes[0].scale = 1.0, 0.5
        save(s, path, (3, 16, 20))

    def cube3sig(path):  # three signal axes: HyperSpy tests only the first two
        s = hs.signals.BaseSignal(ramp((3, 10, 8, 12), np.uint8, 200)).transpose(signal_axes=3)
        save(s, path, (3, 4, 4, 5))

    def spectrum_only(path):  # no navigation axes: the navigator is a (1|) BaseSignal
        s = hs.signals.Signal1D(ramp((300,), np.float64))
        save(s, path, (100,))

    return {
        "eds_16": lambda p: eds((12, 16, 992), (8, 8, 248), p),  # like (16, 16, 248)
        "eds_rows": lambda p: eds((16, 32, 992), (4, 32, 248), p),  # like (64, 512, 248)
        "eds_whole": lambda p: eds((6, 5, 992), (3, 5, 992), p),  # whole spectra in a chunk
        "eds_line": lambda p: eds((9, 496), (4, 124), p, np.uint16),
        "uneven_float64": uneven_float64,
        "line_int32": line_int32,
        "image_float32": image_float32,
        "cube3sig": cube3sig,
        "spectrum_only": spectrum_only,
    }


def CASES():
    """(file, [kwargs of compute_navigator])."""
    common = [
        {},
        {"chunks_number": 1},
        {"chunks_number": 3},
        {"chunks_number": 5},
        {"chunks_number": 2.5},
        {"chunks_number": 7},
        {"chunks_number": 13},
        {"chunks_number": 37},
        {"index": 0},
        {"index": -1},
        {"index": 10**6},
    ]
    eds_values = [{"index": 6.3}, {"index": 0.16}, {"index": 0.15}, {"index": 0.1499}, {"index": 19.99},
                  {"index": 19.989}, {"index": 20.0}, {"index": 300}, {"index": 991}, {"index": 992},
                  {"index": 6.3, "chunks_number": 5}, {"index": 17.0, "chunks_number": 4},
                  {"chunks_number": 992}, {"chunks_number": 993}, {"chunks_number": 400}]
    return [
        ("eds_16", common + eds_values),
        ("eds_rows", common + eds_values[:4]),
        ("eds_whole", common + [{"index": 6.3}]),
        ("eds_line", common + [{"index": 3.3}, {"index": 2.0, "chunks_number": 6}]),
        ("uneven_float64", common + [{"index": 3.0}, {"index": -1.505}, {"index": -1.504}, {"index": 8.494},
                                     {"index": 8.4951}, {"chunks_number": 4}]),
        ("line_int32", common + [{"index": 499}, {"index": 500}, {"index": 255.0}]),
        ("image_float32", common + [{"index": [10, 5]}, {"index": [5, 7.0]}, {"index": [30.0, 39]},
                                    {"index": [49, 40]}, {"index": [1, 2, 3]}, {"chunks_number": [2, 3]},
                                    {"chunks_number": [3, 2, 9]}, {"index": [24.5, 20], "chunks_number": 3}]),
        ("cube3sig", common + [{"index": [11, 7, 9]}, {"index": [11, 7, 90]}, {"chunks_number": [2, 2, 2]}]),
        ("spectrum_only", common + [{"index": 150.0}]),
    ]


def axes_of(s):
    return [{"name": str(a.name), "units": str(a.units), "size": int(a.size), "scale": float(a.scale),
             "offset": float(a.offset), "navigate": bool(a.navigate), "is_binned": bool(a.is_binned)}
            for a in s.axes_manager._axes]


def describe(nav, out, npy_name):
    np.save(out / npy_name, np.ascontiguousarray(nav.data))
    om = nav.original_metadata.as_dictionary()
    live = nav.metadata.get_item("Acquisition_instrument.TEM.Detector.EDS.live_time")
    return {
        "npy": npy_name,
        "dtype": str(nav.data.dtype),
        "shape": list(nav.data.shape),
        "class": type(nav).__name__,
        "repr": repr(nav),
        "title": nav.metadata.General.title,
        "signal_type": nav.metadata.Signal.signal_type,
        "axes": axes_of(nav),
        "sum_from": om.get("sum_from"),
        "original_metadata_keys": sorted(om.keys()),
        "live_time": live,
    }


class Lines(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.lines = []

    def emit(self, record):
        message = record.getMessage()
        if message.startswith(PREFIXES):
            self.lines.append(message)


def run_case(path, kwargs, out, npy_name):
    s = hs.load(path, lazy=True)
    handler = Lines()
    LAZY_LOGGER.addHandler(handler)
    LAZY_LOGGER.setLevel(logging.INFO)
    LAZY_LOGGER.propagate = False  # HyperSpy's own handler would print every line
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            s.compute_navigator(**kwargs)
        result = {"ok": True, **describe(s.navigator, out, npy_name)}
        result["warnings"] = [str(w.message) for w in caught if "balancing" in str(w.message)]
    except Exception as e:  # what HyperSpy refuses, hyperchunk must refuse too
        result = {"ok": False, "error": f"{type(e).__name__}: {e}"}
    finally:
        LAZY_LOGGER.removeHandler(handler)
    result["log"] = handler.lines
    return result


def main():
    out = Path(sys.argv[1])
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    files = {}
    for name, writer in FILES(out).items():
        files[name] = str(out / f"{name}.hspy")
        writer(files[name])
    cases = []
    for file, kwargs_list in CASES():
        for k, kwargs in enumerate(kwargs_list):
            case = {"file": file, "name": f"{file}_{k}", "kwargs": kwargs}
            case.update(run_case(files[file], kwargs, out, f"{file}_{k}.npy"))
            cases.append(case)

    # HyperSpy saves the navigator with the signal: hyperchunk must load it back as s.navigator.
    s = hs.load(files["eds_16"], lazy=True)
    s.compute_navigator(index=6.3, chunks_number=3)
    stored_path = str(out / "stored.hspy")
    s.save(stored_path, overwrite=True)
    back = hs.load(stored_path)
    stored = {"file": stored_path, **describe(back.navigator, out, "stored.npy")}

    with open(out / "cases.json", "w") as f:
        json.dump({"files": files, "cases": cases, "stored": stored}, f, indent=1)
    failed = sum(not c["ok"] for c in cases)
    print(f"{len(cases)} compute_navigator cases ({failed} refused by HyperSpy) in {out}")


if __name__ == "__main__":
    main()
