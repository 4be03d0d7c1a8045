#!/usr/bin/python3
"""Loads every .hspy file that hyperchunk's WriteHspy wrote (hspy_write_fixtures) with real
HyperSpy 1.7.3 and checks it holds what the manifest says, value by value and type by type.

Usage (Debian's own interpreter, which has python3-hyperspy):

    /usr/bin/python3 check_written.py DIR [CASE ...]

DIR holds DIR/manifest.json and the files it names. Each case is loaded twice,
`hs.load(path)` and `hs.load(path, lazy=True)`, and compared with the manifest: class name,
title, signal_type, data (dtype and every bit), axes, the HDF5 layout of `data` (with h5py), and
the metadata, original_metadata and learning_results trees, walked both as HyperSpy's tree and as
`as_dictionary()`. The manifest format is described in README.md next to this script. Exit status
0 when every case matches, 1 otherwise (every difference is printed, not just the first).
"""

import json
import logging
import math
import sys
import types
import warnings
from pathlib import Path

import dask.array as da
import h5py
import numpy as np
import hyperspy.api as hs
from hyperspy.misc.utils import DictionaryTreeBrowser
from hyperspy.signal import BaseSignal
from traits.api import Undefined


class Report:
    """Collects differences as "where: what"."""

    def __init__(self):
        self.mismatches = []
        self.checks = 0

    def check(self, ok, where, what):
        self.checks += 1
        if not ok:
            self.mismatches.append(f"{where}: {what}")
        return ok


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------

def json_number(value):
    if isinstance(value, str):
        return {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}[value]
    return value


def expected_array(want):
    dtype = np.dtype(want["dtype"])
    values = [json_number(v) for v in want["values"]]
    return np.array(values, dtype=dtype).reshape(want["shape"])


def bits(a):
    """The array flattened, floats as their bits (so NaN equals NaN and -0.0 differs from 0.0)."""
    a = np.ascontiguousarray(a).reshape(-1)
    if a.dtype.kind == "f":
        return a.view({4: np.uint32, 8: np.uint64}[a.dtype.itemsize])
    return a


def float_bits(value, dtype):
    return np.array([value], dtype=dtype).view({4: np.uint32, 8: np.uint64}[np.dtype(dtype).itemsize])[0]


def check_array(want, got, where, report):
    if not report.check(isinstance(got, (np.ndarray, da.Array)), where,
                        f"expected an array, got {type(got).__name__}"):
        return
    got = np.asarray(got.compute() if isinstance(got, da.Array) else got)
    want_array = expected_array(want)
    if not report.check(got.dtype == want_array.dtype, where,
                        f"dtype {got.dtype.str} instead of {want_array.dtype.str}"):
        return
    if not report.check(list(got.shape) == list(want["shape"]), where,
                        f"shape {list(got.shape)} instead of {want['shape']}"):
        return
    want_bits, got_bits = bits(want_array), bits(got)
    if not np.array_equal(want_bits, got_bits):
        bad = np.flatnonzero(want_bits != got_bits)
        first = int(bad[0])
        report.check(False, where, f"{bad.size} values differ, first at flat index {first}: "
                                   f"{got.flat[first]!r} instead of {want_array.flat[first]!r}")
    else:
        report.check(True, where, "")


def check_scalar(want, got, where, report):
    kind = want["t"]
    if kind == "bool":
        if report.check(type(got) is bool, where, f"expected bool, got {type(got).__name__} {got!r}"):
            report.check(got == want["v"], where, f"{got!r} instead of {want['v']!r}")
        return
    py = want.get("py", False)
    if kind == "int":
        if py:
            ok = type(got) is int
            wanted = "a Python int"
        else:
            ok = isinstance(got, np.integer) and got.dtype.name == want["dtype"]
            wanted = f"numpy {want['dtype']}"
        if report.check(ok, where, f"expected {wanted}, got {type(got).__name__} {got!r}"):
            report.check(int(got) == want["v"], where, f"{got!r} instead of {want['v']!r}")
        return
    # float
    if py:
        ok = type(got) is float
        wanted = "a Python float"
        dtype = "float64"
    else:
        ok = isinstance(got, np.floating) and got.dtype.name == want["dtype"]
        wanted = f"numpy {want['dtype']}"
        dtype = want["dtype"]
    if report.check(ok, where, f"expected {wanted}, got {type(got).__name__} {got!r}"):
        expected = json_number(want["v"])
        report.check(float_bits(got, dtype) == float_bits(expected, dtype), where,
                     f"{got!r} instead of {expected!r}")


def expected_text(want):
    """The text of a tagged str; for a number in a list with strings ("from": the number's tagged
    form), numpy's own str() of it, as numpy.array([number, "text"]) makes it."""
    if "from" not in want:
        return want["v"]
    number = want["from"]
    if number["t"] == "bool":
        value = np.bool_(number["v"])
    else:
        value = np.dtype(number["dtype"]).type(json_number(number["v"]))
    return str(np.array([value, "text"])[0])


def check_value(want, got, where, report):
    kind = want["t"]
    if kind == "none":
        report.check(got is None, where, f"expected None, got {type(got).__name__} {got!r}")
    elif kind in ("bool", "int", "float"):
        check_scalar(want, got, where, report)
    elif kind == "str":
        if report.check(type(got) is str, where, f"expected str, got {type(got).__name__} {got!r}"):
            text = expected_text(want)
            report.check(got == text, where, f"{got!r} instead of {text!r}")
    elif kind == "bytes":
        if report.check(type(got) is bytes, where, f"expected bytes, got {type(got).__name__} {got!r}"):
            data = expected_text(want).encode() if "from" in want else bytes.fromhex(want["hex"])
            report.check(got == data, where, f"{got!r} instead of {data!r}")
    elif kind in ("list", "tuple"):
        expected_type = list if kind == "list" else tuple
        if not report.check(type(got) is expected_type, where,
                            f"expected {kind}, got {type(got).__name__} {got!r}"):
            return
        if not report.check(len(got) == len(want["v"]), where,
                            f"{len(got)} items instead of {len(want['v'])}: {got!r}"):
            return
        for index, (item_want, item) in enumerate(zip(want["v"], got)):
            check_value(item_want, item, f"{where}[{index}]", report)
    elif kind == "array":
        check_array(want, got, where, report)
    elif kind == "dict":
        if report.check(isinstance(got, (dict, DictionaryTreeBrowser)), where,
                        f"expected a dict, got {type(got).__name__}"):
            check_tree(want, plain_items(got), where, report)
    elif kind == "signal":
        if isinstance(got, BaseSignal):
            check_signal(want, got, where, report, lazy=got._lazy)
        elif report.check(isinstance(got, dict), where, f"expected a signal, got {type(got).__name__}"):
            check_signal_dictionary(want, got, where, report)
    else:
        raise ValueError(f"{where}: unknown tag {kind!r} in the manifest")


# ---------------------------------------------------------------------------------------------
# Trees
# ---------------------------------------------------------------------------------------------

def plain_items(tree):
    """(key, value) of a DictionaryTreeBrowser as HyperSpy holds them (signals stay signals,
    keys as stored, e.g. with spaces), or of a dict."""
    if isinstance(tree, dict):
        return dict(tree)
    tree.process_lazy_attributes()
    items = {}
    for attribute, item in tree.__dict__.items():
        if attribute in ("_db_index", "_double_lines", "_lazy_attributes"):
            continue
        if isinstance(item, types.MethodType):
            continue
        items[item["key"]] = item["_dtb_value_"]
    return items


def check_tree(want, got_items, where, report):
    """A tagged dict against {key: value}. In `as_dictionary()` form a signal's key is
    `_sig_<key>`; both forms are accepted for signals."""
    remaining = dict(got_items)
    for key, value_want in want["v"].items():
        path = f"{where}.{key}"
        if key in remaining:
            check_value(value_want, remaining.pop(key), path, report)
        elif value_want["t"] == "signal" and f"_sig_{key}" in remaining:
            check_value(value_want, remaining.pop(f"_sig_{key}"), path, report)
        else:
            report.check(False, path, "missing")
    for key in remaining:
        report.check(False, f"{where}.{key}", f"unexpected: {remaining[key]!r}")


def without_load_entry(items, want):
    """The metadata items without the General.FileIO entry hs.load appended in memory (it is not
    in the file), and without FileIO itself when the file had none."""
    general = dict(plain_items(items["General"])) if "General" in items else None
    if general is None or "FileIO" not in general:
        return items
    fileio = dict(plain_items(general["FileIO"]))
    last = max(fileio, key=int)
    entry = plain_items(fileio[last])
    if entry.get("operation") != "load":
        return items
    del fileio[last]
    want_general = want["v"].get("General", {"v": {}})["v"]
    if fileio or "FileIO" in want_general:
        general["FileIO"] = fileio
    else:
        del general["FileIO"]
    return {**items, "General": general}


# ---------------------------------------------------------------------------------------------
# Signals and axes
# ---------------------------------------------------------------------------------------------

def text_or_none(value):
    return None if value is Undefined or value is None or value == "<undefined>" else str(value)


def check_axis(want, axis, where, report):
    kind = type(axis).__name__
    if not report.check(kind == want["type"], where, f"axis type {kind} instead of {want['type']}"):
        return
    got = {"name": text_or_none(axis.name), "units": text_or_none(axis.units),
           "navigate": bool(axis.navigate), "is_binned": bool(axis.is_binned), "size": int(axis.size)}
    for key, value in got.items():
        report.check(value == want[key], f"{where}.{key}", f"{value!r} instead of {want[key]!r}")
    if kind == "UniformDataAxis":
        for key in ("scale", "offset"):
            value = getattr(axis, key)
            report.check(type(value) in (float, np.float64) and value == want[key], f"{where}.{key}",
                         f"{value!r} instead of {want[key]!r}")
    elif kind == "DataAxis":
        values = np.asarray(axis.axis)
        report.check(values.dtype == np.float64 and values.tolist() == want["values"], f"{where}.values",
                     f"{values!r} instead of {want['values']!r}")
    elif kind == "FunctionalDataAxis":
        report.check(axis._expression == want["expression"], f"{where}.expression",
                     f"{axis._expression!r} instead of {want['expression']!r}")
        parameters = {name: float(getattr(axis, name)) for name in axis.parameters_list}
        report.check(parameters == want["parameters"], f"{where}.parameters",
                     f"{parameters!r} instead of {want['parameters']!r}")
        check_axis(want["x"], axis.x, f"{where}.x", report)


def check_axis_dictionary(want, axis, where, report):
    """An axis in `as_dictionary()` form (a signal nested in metadata)."""
    report.check(axis.get("_type", "UniformDataAxis") == want["type"], f"{where}._type",
                 f"{axis.get('_type')!r} instead of {want['type']!r}")
    for key in ("name", "units"):
        value = text_or_none(axis.get(key))
        report.check(value == want[key], f"{where}.{key}", f"{value!r} instead of {want[key]!r}")
    for key in ("navigate", "is_binned", "size"):
        report.check(axis.get(key) == want[key], f"{where}.{key}", f"{axis.get(key)!r} instead of {want[key]!r}")


def check_signal_common(want, data, axes, metadata, original_metadata, where, report, check_axis_fn):
    check_array(want["data"], data, f"{where}.data", report)
    if report.check(len(axes) == len(want["axes"]), f"{where}.axes",
                    f"{len(axes)} axes instead of {len(want['axes'])}"):
        for index, (axis_want, axis) in enumerate(zip(want["axes"], axes)):
            check_axis_fn(axis_want, axis, f"{where}.axes[{index}]", report)
    check_tree(want["metadata"], metadata, f"{where}.metadata", report)
    check_tree(want["original_metadata"], original_metadata, f"{where}.original_metadata", report)


def check_signal(want, s, where, report, lazy, top_level=False):
    cls = want["lazy_class" if lazy else "class"]
    report.check(type(s).__name__ == cls, f"{where}.class", f"{type(s).__name__} instead of {cls}")
    report.check(s._lazy == lazy, f"{where}._lazy", f"{s._lazy} instead of {lazy}")
    report.check(s.metadata.General.title == want["title"], f"{where}.title",
                 f"{s.metadata.General.title!r} instead of {want['title']!r}")
    report.check(s.metadata.Signal.signal_type == want["signal_type"], f"{where}.signal_type",
                 f"{s.metadata.Signal.signal_type!r} instead of {want['signal_type']!r}")
    axes = sorted(s.axes_manager._axes, key=lambda axis: axis.index_in_array)
    for view, metadata in (("tree", plain_items(s.metadata)), ("as_dictionary", s.metadata.as_dictionary())):
        if top_level:
            metadata = without_load_entry(metadata, want["metadata"])
        original = plain_items(s.original_metadata) if view == "tree" else s.original_metadata.as_dictionary()
        check_signal_common(want, s.data, axes, metadata, original, f"{where}<{view}>", report, check_axis)
    learning = vars(s.learning_results)
    for key, value_want in want["learning_results"]["v"].items():
        if report.check(key in learning, f"{where}.learning_results.{key}", "missing"):
            check_value(value_want, learning[key], f"{where}.learning_results.{key}", report)


def check_signal_dictionary(want, d, where, report):
    """A signal in `as_dictionary()` form: BaseSignal._to_dictionary()."""
    check_signal_common(want, d["data"], d["axes"], d["metadata"], d["original_metadata"], f"{where}<dict>",
                        report, check_axis_dictionary)


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------

def check_layout(case, path, report):
    """The HDF5 side, read with h5py: root attributes, the group and the data dataset."""
    name = case["name"]
    with h5py.File(path, "r") as f:
        report.check(f.attrs.get("file_format") == "HyperSpy", f"{name}:/file_format", repr(f.attrs.get("file_format")))
        report.check(f.attrs.get("file_format_version") == "3.1", f"{name}:/file_format_version",
                     repr(f.attrs.get("file_format_version")))
        groups = list(f["Experiments"].keys())
        group = case["group"]
        if not report.check(group in f and groups == [group.split("/")[-1]], f"{name}:{group}",
                            f"groups in /Experiments: {groups}"):
            return
        report.check(f[group].attrs.get("package") == "hyperspy", f"{name}:{group}@package",
                     repr(f[group].attrs.get("package")))
        dataset = f[group]["data"]
        layout = case["h5"]
        got = {"chunks": list(dataset.chunks) if dataset.chunks else None, "compression": dataset.compression,
               "compression_opts": dataset.compression_opts, "shuffle": dataset.shuffle}
        for key, value in got.items():
            report.check(value == layout[key], f"{name}:{group}/data.{key}", f"{value!r} instead of {layout[key]!r}")


def load(path, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = hs.load(path, **kwargs)
    return s, [f"{w.category.__name__}: {w.message}" for w in caught]


def check_case(case, directory, report):
    name = case["name"]
    path = directory / case["file"]
    check_layout(case, path, report)
    for lazy in (False, True):
        where = f"{name}{'(lazy)' if lazy else ''}"
        try:
            s, caught = load(path, lazy=lazy)
        except Exception as error:  # a file HyperSpy cannot load is a mismatch, not a crash
            report.check(False, where, f"hs.load failed: {type(error).__name__}: {error}")
            continue
        report.check(not caught, where, f"HyperSpy warned: {caught}")
        if not report.check(isinstance(s, BaseSignal), where, f"hs.load returned {type(s).__name__}"):
            continue
        check_signal(case, s, where, report, lazy, top_level=True)
        if lazy:
            chunks = [c[0] for c in s.data.chunks]
            report.check(chunks == case["h5"]["chunks"], f"{where}.data.chunks",
                         f"dask chunks {s.data.chunks} instead of the file's {case['h5']['chunks']}")


def main(argv):
    if len(argv) < 2:
        sys.exit(f"usage: {argv[0]} DIR [CASE ...]")
    directory = Path(argv[1])
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    only = set(argv[2:])
    logging.getLogger("hyperspy").setLevel(logging.ERROR)
    failed = 0
    cases = [case for case in manifest["cases"] if not only or case["name"] in only]
    total_checks = 0
    for case in cases:
        report = Report()
        check_case(case, directory, report)
        total_checks += report.checks
        if report.mismatches:
            failed += 1
            print(f"FAIL {case['name']}: {len(report.mismatches)} differences ({case['note']})")
            for line in report.mismatches[:60]:
                print(f"    {line}")
            if len(report.mismatches) > 60:
                print(f"    ... and {len(report.mismatches) - 60} more")
        else:
            print(f"ok   {case['name']}: {report.checks} checks, eager and lazy")
    print(f"{len(cases) - failed} of {len(cases)} files written by hyperchunk load in HyperSpy "
          f"{hs.__version__} as intended ({total_checks} checks)")
    if not cases:
        print("no cases")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
