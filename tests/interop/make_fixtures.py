#!/usr/bin/python3
"""Writes .hspy fixtures with real HyperSpy 1.7.3 and records what HyperSpy reads back from them.

Usage (Debian's own interpreter, which has python3-hyperspy):

    /usr/bin/python3 make_fixtures.py OUTDIR

For every fixture NAME (see fixture_writers.py) this writes OUTDIR/NAME.hspy,
OUTDIR/NAME.expected.json and the arrays the JSON refers to as .npy files (little-endian,
C order). Every expected value comes from `hs.load(path)`, checked against
`hs.load(path, lazy=True)`, never from what the writer was asked to write. The JSON format is
described in README.md next to this script.
"""

import json
import logging
import math
import re
import shutil
import sys
import types
import warnings
from pathlib import Path

import dask.array as da
import h5py
import numpy as np
import hyperspy.api as hs
from hyperspy.io_plugins.hspy import HyperspyReader
from hyperspy.misc.utils import DictionaryTreeBrowser
from hyperspy.signal import BaseSignal
from traits.api import Undefined

sys.dont_write_bytecode = True  # no __pycache__ in the source tree for fixture_writers
from fixture_writers import EXPERIMENTS, FIXTURES  # noqa: E402 (after the line above)


class Recorder:
    """Turns loaded HyperSpy objects into the tagged JSON form; arrays are kept for .npy files.

    `prefix` starts every .npy name; `h5file` (an open h5py.File of the fixture) gives the HDF5
    chunk shapes of signals nested in metadata."""

    def __init__(self, prefix, h5file):
        self.prefix = prefix
        self.h5file = h5file
        self.arrays = {}  # .npy file name -> array

    def npy(self, path, array):
        array = np.asarray(array.compute() if isinstance(array, da.Array) else array)
        if array.dtype.byteorder == ">":
            array = array.astype(array.dtype.newbyteorder("<"))
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", path).strip("_")
        name = f"{self.prefix}.{slug}.npy"
        if name in self.arrays:
            raise AssertionError(f"two arrays would be written to {name}")
        self.arrays[name] = np.ascontiguousarray(array)
        return name

    def tag(self, value, path, h5path):
        """The tagged form of a value. `path` names it (for .npy names); `h5path`, a list of HDF5
        path components or None, is where it lives in the file (for nested signals)."""
        if isinstance(value, BaseSignal):
            return self.signal(value, path, h5path)
        if isinstance(value, (DictionaryTreeBrowser, dict)):
            return self.tree(value, path, h5path)
        if value is None:
            return {"t": "none"}
        if isinstance(value, (bool, np.bool_)):
            return {"t": "bool", "v": bool(value)}
        if isinstance(value, np.integer):
            return {"t": "int", "dtype": value.dtype.name, "v": int(value)}
        if isinstance(value, int):
            return {"t": "int", "dtype": "int64", "py": True, "v": value}
        if isinstance(value, np.floating):
            return {"t": "float", "dtype": value.dtype.name, "v": json_float(value)}
        if isinstance(value, float):
            return {"t": "float", "dtype": "float64", "py": True, "v": json_float(value)}
        if isinstance(value, str):
            return {"t": "str", "v": str(value)}
        if isinstance(value, bytes):
            return {"t": "bytes", "hex": value.hex()}
        if isinstance(value, (list, tuple)):
            items = [self.tag(item, f"{path}.{i}", h5_child(h5path, str(i), item))
                     for i, item in enumerate(value)]
            tagged = {"t": "list" if isinstance(value, list) else "tuple", "v": items}
            quirk = self.sequence_quirk(value, h5path)
            if quirk:
                tagged["quirk"] = quirk
            return tagged
        if isinstance(value, (np.ndarray, da.Array)):
            if value.dtype.kind not in "biuf":
                raise TypeError(f"{path}: arrays of {value.dtype} have no hyperchunk form")
            return {"t": "array", "dtype": value.dtype.name, "shape": list(value.shape),
                    "npy": self.npy(path, value)}
        raise TypeError(f"{path}: no tagged form for {type(value).__name__}: {value!r}")

    def sequence_quirk(self, value, h5path):
        """Names the HyperSpy quirk that shaped a list or tuple read back, if any (README.md):
        "lexicographic_order" for a `_list_<n>_<key>` group of 11 items or more (read back in
        the order 0, 1, 10, 11, 2, ...), "strings_as_bytes" for a `_tuple_<key>` dataset of
        strings (read back as bytes)."""
        if not h5path:
            return None
        group = "/".join(h5path)
        if len(value) >= 11 and isinstance(self.h5file.get(group), h5py.Group):
            return "lexicographic_order"
        # h5path[-1] is the group form "_<kind>_<n>_<key>"; the dataset form is "_<kind>_<key>".
        _, kind, _, key = h5path[-1].split("_", 3)
        dataset = self.h5file.get("/".join(h5path[:-1] + [f"_{kind}_{key}"]))
        if (isinstance(value, tuple) and isinstance(dataset, h5py.Dataset)
                and h5py.check_string_dtype(dataset.dtype) is not None):
            return "strings_as_bytes"
        return None

    def tree(self, tree, path, h5path):
        items = {}
        for key, value in tree_items(tree):
            child = f"{path}.{key}" if path else key
            items[key] = self.tag(value, child, h5_child(h5path, key, value))
        return {"t": "dict", "v": items}

    def signal(self, s, path, h5path):
        """A signal inside metadata; its group in the file is `h5path` (None: not known)."""
        group = "/".join(h5path) if h5path else None
        chunks = self.h5file[group]["data"].chunks if group else None
        return {"t": "signal", "class": type(s).__name__, "group": group,
                "chunks": list(chunks) if chunks else None, **self.body(s, path, group)}

    def body(self, s, path, group, metadata_group="metadata"):
        """What every signal record holds: data, axes and its three trees. `group`: the signal's
        HDF5 group (None: not known)."""

        def where(name):
            return [group, name] if group else None

        return {
            "dtype": s.data.dtype.name,
            "byteorder": "big" if s.data.dtype.byteorder == ">" else "little",
            "shape": list(s.data.shape),
            "data_npy": self.npy(f"{path}.data" if path else "data", s.data),
            "axes": [describe_axis(axis) for axis in axes_in_array_order(s)],
            "metadata": self.tree(s.metadata, join(path, "metadata"), where(metadata_group)),
            "original_metadata": self.tree(s.original_metadata, join(path, "original_metadata"),
                                           where("original_metadata")),
            "learning_results": self.tree(vars(s.learning_results),
                                          join(path, "learning_results"),
                                          where("learning_results")),
        }


def join(path, key):
    return f"{path}.{key}" if path else key


def h5_child(h5path, key, value):
    """Where a child value lives in the file, as a list of HDF5 path components (None: unknown)."""
    if h5path is None:
        return None
    if isinstance(value, BaseSignal):
        return h5path + [f"_sig_{key}"]
    if isinstance(value, (list, tuple)):  # the group form, the only one that can hold signals
        kind = "list" if isinstance(value, list) else "tuple"
        return h5path + [f"_{kind}_{len(value)}_{key}"]
    return h5path + [key]


def tree_items(tree):
    """(key, value) in HyperSpy's own order, with signals as signal objects (as_dictionary()
    would turn them into dictionaries)."""
    if isinstance(tree, dict):
        return list(tree.items())
    tree.process_lazy_attributes()
    items = []
    for attribute, item in tree.__dict__.items():
        if attribute in ("_db_index", "_double_lines", "_lazy_attributes"):
            continue
        if isinstance(item, types.MethodType):
            continue
        items.append((item["key"], item["_dtb_value_"]))
    return items


def json_float(value):
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def text_or_none(value):
    return None if value is Undefined or value is None else str(value)


def axes_in_array_order(s):
    return sorted(s.axes_manager._axes, key=lambda axis: axis.index_in_array)


def describe_axis(axis):
    kind = type(axis).__name__
    record = {"type": kind, "name": text_or_none(axis.name), "units": text_or_none(axis.units),
              "navigate": bool(axis.navigate), "is_binned": bool(axis.is_binned),
              "size": int(axis.size), "scale": None, "offset": None, "values": None,
              "expression": None, "parameters": None}
    if kind == "UniformDataAxis":
        record["scale"] = float(axis.scale)
        record["offset"] = float(axis.offset)
    elif kind == "DataAxis":
        record["values"] = [float(v) for v in axis.axis]
    elif kind == "FunctionalDataAxis":
        record["expression"] = axis._expression
        record["parameters"] = {name: float(getattr(axis, name)) for name in axis.parameters_list}
        record["x"] = describe_axis(axis.x)
    else:
        raise TypeError(f"unknown axis type {kind}")
    return record


# ---------------------------------------------------------------------------------------------
# What load() changes: the FileIO "load" entry, and the difference between HyperSpy's decoding
# of the file (group2signaldict) and the signal load() returns.
# ---------------------------------------------------------------------------------------------

def drop_load_entry(tagged_metadata):
    """Removes the General.FileIO entry that hs.load appended in memory (it is not in the file)."""
    fileio = tagged_metadata["v"]["General"]["v"]["FileIO"]["v"]
    last = max(fileio, key=int)
    if fileio[last]["v"]["operation"]["v"] != "load":
        raise AssertionError(f"the last FileIO entry, {last}, is not hs.load's")
    del fileio[last]


def tree_diff(final, decoded, prefix=""):
    """Dotted paths only in `final` and only in `decoded` (two tagged trees)."""
    only_final, only_decoded = [], []
    for key, value in final["v"].items():
        path = join(prefix, key)
        if key not in decoded["v"]:
            only_final.append(path)
        elif value["t"] == "dict" and decoded["v"][key]["t"] == "dict":
            more_final, more_decoded = tree_diff(value, decoded["v"][key], path)
            only_final += more_final
            only_decoded += more_decoded
    only_decoded += [join(prefix, key) for key in decoded["v"] if key not in final["v"]]
    return only_final, only_decoded


def lookup(tree, dotted):
    for key in dotted.split("."):
        tree = tree[key]
    return tree


def describe_load_changes(experiment, decoded_metadata, recorder):
    """Records `added_on_load` (paths the signal has but HyperSpy's file decoding did not give:
    defaults the signal class creates) and `stored_only` (tagged values HyperSpy decoded from the
    file but dict2signal / load() then removed: Signal.record_by, Signal.binned)."""
    scratch = Recorder("scratch", recorder.h5file)
    decoded = scratch.tree(decoded_metadata, "decoded", None)
    added, removed = tree_diff(experiment["metadata"], decoded)
    experiment["added_on_load"] = added
    experiment["stored_only"] = {
        path: recorder.tag(lookup(decoded_metadata, path), f"stored.{path}", None)
        for path in removed}


# ---------------------------------------------------------------------------------------------
# One fixture file
# ---------------------------------------------------------------------------------------------

def experiment_groups(f):
    """The experiment groups in the order HyperSpy reads them (io_plugins/_hierarchical.py)."""
    return [f"/{EXPERIMENTS}/{name}" for name, item in f[EXPERIMENTS].items()
            if isinstance(item, h5py.Group) and "data" in item]


def load_recording_warnings(path, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loaded = hs.load(path, **kwargs)
    messages = [f"{w.category.__name__}: {w.message}" for w in caught]
    return (loaded if isinstance(loaded, list) else [loaded]), messages


def describe_experiment(s, group, recorder, h5group, decoded):
    metadata_group = "metadata" if "metadata" in h5group else "mapped_parameters"
    body = recorder.body(s, "", group, metadata_group)
    drop_load_entry(body["metadata"])
    chunks = h5group["data"].chunks
    experiment = {
        "group": group,
        "class": type(s).__name__,
        "signal_type": s.metadata.Signal.signal_type,
        "title": s.metadata.General.title,
        "package": str(decoded["package"]),
        "package_version": str(decoded["package_version"]),
        "chunks": list(chunks) if chunks else None,
        **body,
    }
    describe_load_changes(experiment, decoded["metadata"], recorder)
    for axis, decoded_axis in zip(experiment["axes"], decoded["axes"]):
        in_file = is_binned_in_file(decoded_axis, decoded["metadata"], axis["navigate"])
        if axis["is_binned"] != in_file:
            axis["is_binned_in_file"] = in_file
    return experiment


def is_binned_in_file(decoded_axis, decoded_metadata, navigate):
    """An axis' is_binned from the file alone: its own attribute (default False), or for a
    signal axis of a file older than 3.1 metadata.Signal.binned (io.py, load_single_file). The
    signal classes may then change it: EDS classes force True on their energy axis."""
    signal = decoded_metadata.get("Signal", {})
    if not navigate and "binned" in signal:
        return bool(signal["binned"])
    return bool(decoded_axis.get("is_binned", False))


def describe(spec, path):
    """The expected results of one fixture file and the arrays they refer to."""
    name = spec["name"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the "newer version" warning: recorded by the load below
        signals, hyperspy_warnings = load_recording_warnings(path)
        try:
            lazy_signals, _ = load_recording_warnings(path, lazy=True)
            lazy_error = None
        except Exception as error:  # HyperSpy's own failure is part of the expectation
            lazy_signals, lazy_error = None, f"{type(error).__name__}: {error}"
        with h5py.File(path, "r") as f:
            reader = HyperspyReader(f)
            groups = experiment_groups(f)
            if len(signals) != len(groups):
                raise AssertionError(f"{name}: {len(signals)} signals from {len(groups)} groups")
            experiments, arrays = [], {}
            for index, (s, group) in enumerate(zip(signals, groups)):
                prefix = name if len(groups) == 1 else f"{name}.{index}"
                decoded = reader.group2signaldict(f[group])
                recorder = Recorder(prefix, f)
                experiment = describe_experiment(s, group, recorder, f[group], decoded)
                if lazy_signals is None:
                    experiment["lazy_class"] = None
                    experiment["lazy_error"] = lazy_error
                else:
                    lazy_recorder = Recorder(prefix, f)
                    lazy_view = describe_experiment(lazy_signals[index], group, lazy_recorder,
                                                    f[group], decoded)
                    check_lazy_matches(name, experiment, recorder.arrays, lazy_view,
                                       lazy_recorder.arrays)
                    experiment["lazy_class"] = type(lazy_signals[index]).__name__
                experiments.append(experiment)
                arrays.update(recorder.arrays)
            version = str(reader.version)
    expected = {"file": Path(path).name, "format_version": version, "experiments": experiments,
                "hyperspy_warnings": hyperspy_warnings}
    for key in ("must_fail", "may_fail_data", "note"):
        if spec[key]:
            expected[key] = spec[key]
    return expected, arrays


def check_lazy_matches(name, eager, eager_arrays, lazy, lazy_arrays):
    """HyperSpy's lazy load must read the same values: one expectation serves both. The classes
    of nested signals of the lazy load are copied into the eager record as `lazy_class`."""
    for key, value in eager.items():
        if key == "class":
            continue
        add_lazy_classes(value, lazy[key])
        if canonical(value) != canonical(lazy[key]):
            raise AssertionError(f"{name}: the lazy load differs in {key}")
    for file_name, array in eager_arrays.items():
        other = lazy_arrays[file_name]
        if array.dtype != other.dtype or not np.array_equal(array, other, equal_nan=True):
            raise AssertionError(f"{name}: the lazy load differs in {file_name}")


def add_lazy_classes(eager, lazy):
    if isinstance(eager, dict):
        if eager.get("t") == "signal":
            eager["lazy_class"] = lazy["class"]
        for key, value in eager.items():
            if isinstance(lazy, dict) and key in lazy:
                add_lazy_classes(value, lazy[key])
    elif isinstance(eager, list):
        for value, other in zip(eager, lazy):
            add_lazy_classes(value, other)


def canonical(tagged):
    """JSON text of a record without the signal classes (which differ between the two loads)."""

    def strip(node):
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in ("class", "lazy_class")}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    return json.dumps(strip(tagged), sort_keys=True)


def main(argv):
    if len(argv) != 2:
        sys.exit(f"usage: {argv[0]} OUTDIR")
    outdir = Path(argv[1]).resolve()
    if outdir.exists():
        shutil.rmtree(outdir)
    outdir.mkdir(parents=True)
    logging.getLogger("hyperspy").setLevel(logging.CRITICAL)
    for spec in FIXTURES:
        path = outdir / f"{spec['name']}.hspy"
        spec["write"](path)
        expected, arrays = describe(spec, path)
        for file_name, array in arrays.items():
            np.save(outdir / file_name, array)
        with open(outdir / f"{spec['name']}.expected.json", "w", encoding="utf-8") as out:
            json.dump(expected, out, indent=1, ensure_ascii=False, allow_nan=False)
    print(f"wrote {len(FIXTURES)} fixtures to {outdir}")


if __name__ == "__main__":
    main(sys.argv)
