#!/usr/bin/python3
"""HyperSpy 1.7.3 loads the signals hyperchunk saved with a stored navigator (StoreNavigator +
Save) and must see, as s.navigator, what its own compute_navigator gives on the source file.

    /usr/bin/python3 check_navigator_written.py WRITTEN_DIR

WRITTEN_DIR/written.json lists {path, source, kwargs} (navigator_interop_test writes it). Each
file is loaded eagerly and lazily; s.navigator must equal HyperSpy's navigator of the source with
the same kwargs in data (exact for integers, 1e-12 relative for floats), dtype, class, axes,
title and original_metadata.sum_from; the signal's own data must equal the source's.
"""

import json
import sys
import warnings

import numpy as np
import hyperspy.api as hs

hs.preferences.General.show_progressbar = False


def axes_of(s):
    return [(str(a.name), str(a.units), a.size, a.scale, a.offset, a.navigate, a.is_binned)
            for a in s.axes_manager._axes]


def eager_class_name(s):
    """LazySignal2D -> Signal2D, LazySignal -> BaseSignal."""
    name = type(s).__name__
    if name == "LazySignal":
        return "BaseSignal"
    return name[4:] if name.startswith("Lazy") else name


def compare(name, got, want):
    problems = []
    if got is None:
        return [f"{name}: s.navigator is None"]
    if want._lazy:
        raise AssertionError("HyperSpy's navigator is computed")
    for what, g, w in [
        ("class", eager_class_name(got), type(want).__name__),
        ("dtype", str(got.data.dtype), str(want.data.dtype)),
        ("shape", got.data.shape, want.data.shape),
        ("axes", axes_of(got), axes_of(want)),
        ("title", got.metadata.General.title, want.metadata.General.title),
        ("sum_from", got.original_metadata.get_item("sum_from"), want.original_metadata.get_item("sum_from")),
    ]:
        if g != w:
            problems.append(f"{name}: {what} {g!r} != HyperSpy's {w!r}")
    data = np.asarray(got.data)
    if data.shape == want.data.shape:
        if np.issubdtype(want.data.dtype, np.floating):
            same = np.allclose(data, want.data, rtol=1e-12, atol=0)
        else:
            same = np.array_equal(data, want.data)
        if not same:
            problems.append(f"{name}: values differ from HyperSpy's navigator")
    return problems


def main():
    written = json.load(open(f"{sys.argv[1]}/written.json"))
    problems = []
    for entry in written:
        source = hs.load(entry["source"], lazy=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # dask's balancing warning, checked elsewhere
            source.compute_navigator(**entry["kwargs"])
        want = source.navigator
        for lazy in (False, True):
            name = f"{entry['path']} (lazy={lazy}, kwargs={entry['kwargs']})"
            try:
                s = hs.load(entry["path"], lazy=lazy)
            except Exception as e:
                problems.append(f"{name}: HyperSpy cannot load it: {type(e).__name__}: {e}")
                continue
            problems += compare(name, s.navigator, want)
            if not np.array_equal(np.asarray(s.data), np.asarray(source.data)):
                problems.append(f"{name}: the signal's data changed")
    for p in problems:
        print("FAIL:", p)
    print(f"{len(written)} files written by hyperchunk with a stored navigator, {len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
