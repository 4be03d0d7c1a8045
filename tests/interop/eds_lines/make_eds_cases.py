#!/usr/bin/python3
"""Writes EDS .hspy files with real HyperSpy 1.7.3 and records what get_lines_intensity gives.

Usage (Debian's own interpreter, which has python3-hyperspy):

    /usr/bin/python3 make_eds_cases.py HYPERCHUNK OUTDIR

The spectra are the project's synthetic EDS data (`HYPERCHUNK synth`: Fe/Pt/Cu/Zr peaks at their
database energies, bremsstrahlung, Poisson counts), loaded by HyperSpy, changed (dtype, signal
type, microscope parameters, elements, lines, energy units, title) and saved again by HyperSpy, so
every file is one HyperSpy wrote. Then each case loads its file lazily and records:

* `get_lines_intensity(**kwargs)`: per map the data (.npy), dtype, class, title, axes and metadata
  (without General.FileIO, which records the load), and HyperSpy's warnings; or the error raised;
* `estimate_integration_windows(...)` / `estimate_background_windows(...)`: the arrays.

OUTDIR/cases.json lists them (format: see README.md beside this script).
"""

import json
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import hyperspy.api as hs
from traits.api import Undefined

hs.preferences.General.show_progressbar = False
hs.set_log_level("ERROR")


def synth(hc, path, shape, dtype, elements, seed):
    subprocess.run([hc, "--no-progress", "synth", str(path), "--shape", ",".join(map(str, shape)), "--dtype", dtype,
                    "--chunks", ",".join(map(str, shape)), "--elements", ",".join(elements), "--seed", str(seed), "--overwrite"],
                   check=True, stdout=subprocess.DEVNULL)


def resave(s, path, chunks=None):
    s.save(path, overwrite=True, chunks=chunks)


def FILES(hc, tmp):
    """name -> writer(path)."""

    def base(shape, dtype, elements, seed=1):
        src = tmp / f"synth_{seed}.hspy"
        synth(hc, src, shape, dtype, elements, seed)
        return hs.load(src)

    def tem_uint16(path):  # elements Fe, Pt from synth; E0 = 200 keV; lines from elements
        s = base((12, 10, 992), "uint16", ["Fe", "Pt"], 1)
        s.metadata.General.title = "SI"
        s.set_microscope_parameters(live_time=2)  # an int: the maps' sum makes it 2.0
        resave(s, path, chunks=(4, 10, 496))

    def tem_float64_lines(path):  # non-integer counts; stored xray_lines incl. one out of range
        s = base((9, 7, 992), "float64", ["Fe", "Pt", "Cu"], 2)
        s = s * 0.37
        s.metadata.General.title = "scaled counts"
        s.set_microscope_parameters(energy_resolution_MnKa=133.312296, real_time=3.5)
        s.add_lines(["Fe_Kb", "U_Ka"])  # U_Ka (98 keV) is stored but outside the data
        resave(s, path, chunks=(3, 7, 992))

    def sem_uint16_10kv(path):  # EDS_SEM, E0 = 10 keV: Ka lines of Fe and Cu fail the overvoltage rule
        s = base((8, 8, 992), "uint16", ["Fe", "Pt", "Cu"], 3)
        s.set_signal_type("EDS_SEM")
        s.set_microscope_parameters(beam_energy=10, energy_resolution_MnKa=125.0, live_time=1.25)
        s.add_elements(["Zr"])
        resave(s, path, chunks=(8, 4, 248))

    def spectrum_float32_ev(path):  # one spectrum, energy axis in eV
        s = base((992,), "float32", ["Fe", "Pt"], 4)
        e = s.axes_manager.signal_axes[0]
        e.units, e.offset, e.scale = "eV", e.offset * 1000, e.scale * 1000
        s = s * np.float32(1.5)
        s.metadata.General.title = "point"
        resave(s, path)

    def linescan_int32(path):  # a line scan; E0 = 15 keV in TEM's "beam_energy " key: Pt_La fails
        s = base((20, 992), "int32", ["Pt", "Fe"], 5)
        s.metadata.General.title = "line"
        s.set_microscope_parameters(beam_energy=15)
        resave(s, path, chunks=(5, 992))

    def no_elements(path):  # neither Sample.elements nor Sample.xray_lines
        s = base((4, 4, 992), "uint16", ["Fe", "Pt"], 6)
        del s.metadata.Sample
        resave(s, path)

    return {name: fn for name, fn in locals().items() if callable(fn) and name != "base"}


def CASES():
    """(file, case name, what, kwargs)."""
    out = []
    for f in ["tem_uint16", "tem_float64_lines", "sem_uint16_10kv", "spectrum_float32_ev", "linescan_int32"]:
        out += [
            (f, "default", "lines", {}),
            (f, "width_1_5", "lines", {"integration_windows": 1.5}),
            (f, "all_ab", "lines", {"only_one": False, "only_lines": ["a", "b"]}),
            (f, "background", "lines", {"xray_lines": "FROM_FILE", "background_windows": "ESTIMATE"}),
            (f, "explicit_windows", "lines", {"xray_lines": "FROM_FILE", "integration_windows": "SHIFTED"}),
            (f, "explicit_drop", "lines", {"xray_lines": ["Pt_Lb1", "U_Ka", "Fe_Ka"]}),
            (f, "iw_default", "integration_windows", {}),
            (f, "iw_given", "integration_windows", {"windows_width": 3.0, "xray_lines": ["Fe_Ka", "Pt_Ma"]}),
            (f, "bw_default", "background_windows", {}),
            (f, "bw_given", "background_windows",
             {"line_width": [3.0, 1.5], "windows_width": 0.8, "xray_lines": ["Fe_Ka", "Fe_Kb", "Pt_La", "Pt_Ma"]}),
        ]
    out.append(("no_elements", "default", "lines", {}))
    out.append(("no_elements", "given", "lines", {"xray_lines": ["Fe_Ka"]}))
    return out


def plain(v):
    """Metadata values as JSON: numpy scalars to Python, tuples to lists."""
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, np.ndarray):
        return [plain(x) for x in v.tolist()]
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, bytes):
        return v.decode()
    return v


def metadata_of(s):
    md = plain(s.metadata.as_dictionary())
    md.get("General", {}).pop("FileIO", None)
    return md


def text_or_none(v):
    """An axis name or units: None when undefined (traits' Undefined prints as '<undefined>')."""
    return None if v is None or v is Undefined else str(v)


def axes_of(s):
    return [{"name": text_or_none(a.name), "units": text_or_none(a.units), "scale": float(a.scale),
             "offset": float(a.offset), "size": int(a.size), "navigate": bool(a.navigate),
             "is_binned": bool(a.is_binned)} for a in s.axes_manager._axes]


def resolve(s, kwargs):
    """The case's kwargs with FROM_FILE / ESTIMATE / SHIFTED made concrete (and recorded)."""
    kw = dict(kwargs)
    if kw.get("xray_lines") == "FROM_FILE":
        kw["xray_lines"] = s._parse_xray_lines(None, True, ("a",))
    if kw.get("background_windows") == "ESTIMATE":
        kw["background_windows"] = s.estimate_background_windows(xray_lines=kw["xray_lines"]).tolist()
    if kw.get("integration_windows") == "SHIFTED":
        iw = s.estimate_integration_windows(windows_width=2.5, xray_lines=kw["xray_lines"])
        kw["integration_windows"] = [[a - 0.013 * e, b + 0.007 * e] for (a, b), e in
                                     zip(iw, [s._get_line_energy(x) for x in kw["xray_lines"]])]
    return kw


def run_case(path, what, kwargs, out, stem):
    s = hs.load(path, lazy=True)
    record = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            kw = resolve(s, kwargs)
        record["kwargs"] = plain(kw)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if what == "lines":
                maps = s.get_lines_intensity(**kw)
            elif what == "integration_windows":
                record["windows"] = plain(s.estimate_integration_windows(**kw))
            else:
                record["windows"] = plain(s.estimate_background_windows(**kw))
        record["warnings"] = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
        if what == "lines":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                eager = hs.load(path).get_lines_intensity(**kw)
            record["maps"] = []
            for k, (m, e) in enumerate(zip(maps, eager)):
                item = {"class": type(m).__name__, "title": m.metadata.General.title, "axes": axes_of(m),
                        "metadata": metadata_of(m)}
                m.compute()
                data = np.asarray(m.data)
                if data.dtype != e.data.dtype or not np.allclose(data, e.data, rtol=1e-5, atol=0):
                    raise AssertionError(f"{stem}: HyperSpy's lazy and eager maps differ")
                item.update({"dtype": str(data.dtype), "shape": list(data.shape), "npy": f"{stem}_{k}.npy"})
                np.save(out / item["npy"], data)
                record["maps"].append(item)
    except AssertionError:
        raise
    except Exception as error:  # HyperSpy's refusal is the expectation
        record["error"] = f"{type(error).__name__}: {error}"
        record.setdefault("warnings", [])
    return record


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    hc, out = sys.argv[1], Path(sys.argv[2])
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    tmp = out / "tmp"
    tmp.mkdir()
    files = {}
    for name, writer in FILES(hc, tmp).items():
        writer(out / f"{name}.hspy")
        files[name] = f"{name}.hspy"
    shutil.rmtree(tmp)
    cases = []
    for f, name, what, kwargs in CASES():
        stem = f"{f}__{name}"
        record = run_case(out / files[f], what, kwargs, out, stem)
        record.update({"file": files[f], "name": name, "what": what})
        cases.append(record)
    with open(out / "cases.json", "w") as fh:
        json.dump({"files": files, "cases": cases}, fh, indent=1)
    print(f"wrote {len(files)} files and {len(cases)} cases to {out}")


if __name__ == "__main__":
    main()
