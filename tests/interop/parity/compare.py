"""How the parity suite compares hyperchunk's outputs with HyperSpy's result. Each function returns a
list of problems (empty: equal)."""

import csv

import numpy as np
import hyperspy.api as hs

# Paths HyperSpy adds to the metadata when it loads or saves a file: they record the file, not the
# signal.
_FILE_RECORDS = (("General", "FileIO"), ("General", "original_filename"))


def _values_problems(ours, expected, case, what):
    ours = np.asarray(ours)
    expected = np.asarray(expected)
    if ours.dtype != expected.dtype:
        return [f"{what}: dtype {ours.dtype}, HyperSpy {expected.dtype}"]
    if ours.shape != expected.shape:
        return [f"{what}: shape {ours.shape}, HyperSpy {expected.shape}"]
    floating = expected.dtype.kind == "f"
    if case.rtol is None or not floating:
        if np.array_equal(ours, expected, equal_nan=floating):
            return []
        same = (ours == expected) | (np.isnan(ours) & np.isnan(expected)) if floating else ours == expected
        bad = np.argwhere(~same)
        first = tuple(bad[0]) if len(bad) else ()
        return [f"{what}: {len(bad)} values differ (exact comparison); first at {first}: "
                f"{ours[first]!r} vs HyperSpy {expected[first]!r}"]
    if np.allclose(ours, expected, rtol=case.rtol, atol=case.atol, equal_nan=True):
        return []
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.nanmax(np.abs(ours.astype("float64") - expected) / np.abs(expected))
    return [f"{what}: values differ beyond rtol {case.rtol} atol {case.atol} (largest relative difference {rel:.3g})"]


def _equal(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(a, b) and np.asarray(a).dtype == np.asarray(b).dtype
    return type(a) is type(b) and a == b


def _tree_problems(ours, expected, what, path=""):
    """Differences between two metadata dictionaries, as 'path: ours vs HyperSpy'."""
    problems = []
    for key in sorted(set(ours) | set(expected)):
        p = f"{path}.{key}" if path else key
        if key not in ours:
            problems.append(f"{what} {p}: missing (HyperSpy: {expected[key]!r})")
        elif key not in expected:
            problems.append(f"{what} {p}: {ours[key]!r} is not in HyperSpy's")
        elif isinstance(ours[key], dict) and isinstance(expected[key], dict):
            problems += _tree_problems(ours[key], expected[key], what, p)
        elif not _equal(ours[key], expected[key]):
            problems.append(f"{what} {p}: {ours[key]!r} ({type(ours[key]).__name__}), "
                            f"HyperSpy {expected[key]!r} ({type(expected[key]).__name__})")
    return problems


def _metadata(s):
    d = s.metadata.as_dictionary()
    for parent, key in _FILE_RECORDS:
        d.get(parent, {}).pop(key, None)
    return d


def _axes_problems(ours, expected):
    problems = []
    oa, ea = ours.axes_manager._axes, expected.axes_manager._axes
    if len(oa) != len(ea):
        return [f"{len(oa)} axes, HyperSpy {len(ea)}: {ours.axes_manager} vs {expected.axes_manager}"]
    for i, (a, b) in enumerate(zip(oa, ea)):
        if type(a).__name__ != type(b).__name__:
            problems.append(f"axis {i} (array order): {type(a).__name__}, HyperSpy {type(b).__name__}")
            continue
        for attr in ("name", "units", "size", "navigate", "is_binned"):
            if getattr(a, attr) != getattr(b, attr):
                problems.append(f"axis {i} {attr}: {getattr(a, attr)!r}, HyperSpy {getattr(b, attr)!r}")
        if a.is_uniform:
            # Exact: both compute offset and scale with the same float64 operations (offset of a
            # slice = axis[start] = offset + scale * start; rebin: scale * f and offset + (f - 1) * scale / 2).
            for attr in ("scale", "offset"):
                if getattr(a, attr) != getattr(b, attr):
                    problems.append(f"axis {i} {attr}: {getattr(a, attr)!r}, HyperSpy {getattr(b, attr)!r}")
        elif not np.array_equal(a.axis, b.axis):
            problems.append(f"axis {i} values: {a.axis!r}, HyperSpy {b.axis!r}")
        if type(a).__name__ == "FunctionalDataAxis":
            for attr in ("_expression", "parameters_list"):
                if getattr(a, attr) != getattr(b, attr):
                    problems.append(f"axis {i} {attr}: {getattr(a, attr)!r}, HyperSpy {getattr(b, attr)!r}")
            for attr in list(b.parameters_list) + ["x.offset", "x.scale", "x.size"]:
                va, vb = (getattr(getattr(ax, "x"), attr[2:]) if attr.startswith("x.") else getattr(ax, attr)
                          for ax in (a, b))
                if va != vb:
                    problems.append(f"axis {i} {attr}: {va!r}, HyperSpy {vb!r}")
    return problems


def compare_signals(path, expected_path, expected, case):
    """hyperchunk's .hspy at `path` against HyperSpy's result `expected` (in memory) and against
    the same result saved by HyperSpy at `expected_path` and loaded back."""
    problems = []
    for lazy in (False, True):
        ours = hs.load(path, lazy=lazy)
        reloaded = hs.load(expected_path, lazy=lazy)
        mode = "lazy load" if lazy else "load"
        if type(ours).__name__ != type(reloaded).__name__:
            problems.append(f"{mode}: class {type(ours).__name__}, HyperSpy {type(reloaded).__name__}")
        data = ours.data.compute() if lazy else ours.data
        problems += _values_problems(data, expected.data, case, f"{mode}: data")
        if not lazy:
            problems += _axes_problems(ours, reloaded)
            if ours.metadata.General.title != expected.metadata.General.title:
                problems.append(f"title {ours.metadata.General.title!r}, HyperSpy {expected.metadata.General.title!r}")
            problems += _tree_problems(_metadata(ours), _metadata(reloaded), "metadata")
            problems += _tree_problems(ours.original_metadata.as_dictionary(),
                                       reloaded.original_metadata.as_dictionary(), "original_metadata")
    return problems


def check_npy(path, expected, case):
    return _values_problems(np.load(path), expected.data, case, ".npy")


def check_csv(path, expected, case):
    """A 1-D result as `axis_value,value` rows: the axis values and data as HyperSpy has them."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if any(len(r) != 2 for r in rows):
        return [f".csv: rows must have 2 fields: {rows[:3]}"]
    axis = expected.axes_manager._axes[0].axis
    positions = np.array([float(r[0]) for r in rows])
    kind = expected.data.dtype.kind
    parse = {"f": float, "b": lambda t: {"True": True, "False": False}[t]}.get(kind, int)
    values = np.array([parse(r[1]) for r in rows], dtype=expected.data.dtype)
    problems = []
    if not np.array_equal(positions, axis):
        problems.append(f".csv: axis values {positions[:4]}..., HyperSpy {axis[:4]}...")
    problems += _values_problems(values, expected.data, case, ".csv")
    return problems
