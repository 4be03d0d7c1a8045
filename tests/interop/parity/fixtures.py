"""The parity suite's input files, written by HyperSpy 1.7.3 (`s.save`), small enough to keep the
whole suite well under two minutes. Axis sizes are chosen so the reference's worked examples
(shared/reference/hyperspy-1.7-behaviour.md §5.2, §6) apply as written."""

from pathlib import Path

import numpy as np
import hyperspy.api as hs


def _calibrate(axis, name, units, scale, offset):
    axis.name = name
    axis.units = units
    axis.scale = scale
    axis.offset = offset


def eds_si():
    """EDS_TEM spectrum image, array (4, 5, 40) uint16: nav x (5, scale 0.5, offset 1), y (4, scale 2,
    offset -1) — §5.2's navigation example — and energy 0.16 + 0.02 i keV; live and real time."""
    rng = np.random.default_rng(11)
    s = hs.signals.Signal1D(rng.integers(0, 1000, (4, 5, 40)).astype("uint16"))
    s.set_signal_type("EDS_TEM")
    _calibrate(s.axes_manager[0], "x", "nm", 0.5, 1.0)
    _calibrate(s.axes_manager[1], "y", "nm", 2.0, -1.0)
    _calibrate(s.axes_manager[2], "Energy", "keV", 0.02, 0.16)
    s.metadata.General.title = "EDS SI"
    s.set_microscope_parameters(live_time=2.5, real_time=3.1, beam_energy=200, display=False)
    s.metadata.set_item("Sample.elements", ["Fe", "Pt"])
    s.original_metadata.set_item("Instrument.name", "synthetic")
    return s


def eds_992():
    """EDS_TEM, array (2, 3, 992) uint16 on the reference's 992-channel axis (0.16 + 0.02 i keV): the
    isig examples of §5.2 hold on it as written. live_time only (no real_time)."""
    rng = np.random.default_rng(12)
    s = hs.signals.Signal1D(rng.integers(0, 60000, (2, 3, 992)).astype("uint16"))
    s.set_signal_type("EDS_TEM")
    _calibrate(s.axes_manager[0], "x", "nm", 1.0, 0.0)
    _calibrate(s.axes_manager[1], "y", "nm", 1.0, 0.0)
    _calibrate(s.axes_manager[2], "Energy", "keV", 0.02, 0.16)
    s.metadata.General.title = "EDS 992"
    s.metadata.set_item("Acquisition_instrument.TEM.Detector.EDS.live_time", 1.5)
    return s


def eds_bin():
    """EDS_SEM spectrum image for rebinning, array (6, 4, 40) uint16: nav x (4, scale 2, offset 10 —
    §6's offset example), y (6); live and real time under SEM."""
    rng = np.random.default_rng(13)
    s = hs.signals.Signal1D(rng.integers(0, 4000, (6, 4, 40)).astype("uint16"))
    s.set_signal_type("EDS_SEM")
    _calibrate(s.axes_manager[0], "x", "µm", 2.0, 10.0)
    _calibrate(s.axes_manager[1], "y", "µm", 1.0, 0.0)
    _calibrate(s.axes_manager[2], "Energy", "keV", 0.02, 0.16)
    s.metadata.General.title = "SEM map"
    s.set_microscope_parameters(live_time=0.5, beam_energy=15, display=False)
    s.metadata.set_item("Acquisition_instrument.SEM.Detector.EDS.real_time", 0.75)
    return s


def stack2d():
    """Signal2D float32, array (3, 40, 50): a stack of 3 images 50 wide, 40 high (dimensions (3|50, 40))."""
    rng = np.random.default_rng(14)
    s = hs.signals.Signal2D((rng.standard_normal((3, 40, 50)) * 100 + 20).astype("float32"))
    _calibrate(s.axes_manager[0], "frame", "s", 1.5, 0.0)
    _calibrate(s.axes_manager[1], "x", "nm", 0.1, -2.5)
    _calibrate(s.axes_manager[2], "y", "nm", 0.2, 1.0)
    s.metadata.General.title = "Image stack"
    return s


def line1d():
    """Signal1D float64 with one navigation axis, array (7, 30): a line scan of EELS-like spectra."""
    rng = np.random.default_rng(15)
    s = hs.signals.Signal1D(rng.gamma(2.0, 50.0, (7, 30)))
    _calibrate(s.axes_manager[0], "position", "µm", 0.25, 0.5)
    _calibrate(s.axes_manager[1], "Energy loss", "eV", 0.5, 100.0)
    s.metadata.General.title = "Line scan"
    return s


def nonuniform():
    """Signal1D float64, array (4, 12), with a non-uniform signal axis q = 0, 1, 4, ..., 121."""
    rng = np.random.default_rng(16)
    axes = [
        {"name": "t", "units": "s", "size": 4, "scale": 0.5, "offset": 0.0, "navigate": True},
        {"name": "q", "units": "1/nm", "axis": np.arange(12.0) ** 2, "navigate": False},
    ]
    s = hs.signals.Signal1D(rng.uniform(0, 10, (4, 12)), axes=axes)
    s.metadata.General.title = "Non-uniform"
    return s


def nanspec():
    """Signal1D float32 with NaNs, array (3, 4, 20), for nansum / nanmean."""
    rng = np.random.default_rng(17)
    data = rng.uniform(0, 5, (3, 4, 20)).astype("float32")
    data[0, 1, 3] = np.nan
    data[1, :, 7] = np.nan
    data[2, 3, 10:13] = np.nan
    s = hs.signals.Signal1D(data)
    s.metadata.General.title = "With NaN"
    return s


def int_images():
    """Signal2D int16 with negative values, array (2, 6, 8)."""
    rng = np.random.default_rng(18)
    s = hs.signals.Signal2D(rng.integers(-3000, 3000, (2, 6, 8)).astype("int16"))
    _calibrate(s.axes_manager[1], "x", "px", 1.0, 0.0)
    _calibrate(s.axes_manager[2], "y", "px", 1.0, 0.0)
    s.metadata.General.title = "Signed"
    return s


def sem_map():
    """A 0-signal-dimension BaseSignal (5, 4|) saved from an EDS_SEM map (signal_type kept): what
    s.isig[value] of a spectrum image gives; array (4, 5) float64."""
    rng = np.random.default_rng(19)
    s = hs.signals.Signal1D(rng.uniform(0, 100, (4, 5, 3)))
    s.set_signal_type("EDS_SEM")
    _calibrate(s.axes_manager[0], "x", "nm", 2.0, 10.0)
    _calibrate(s.axes_manager[1], "y", "nm", 2.0, 0.0)
    s.metadata.set_item("Acquisition_instrument.SEM.Detector.EDS.live_time", 4.0)
    s.metadata.General.title = "Map"
    return s.isig[1]


def mask():
    """Signal2D bool, array (3, 4, 6)."""
    rng = np.random.default_rng(20)
    s = hs.signals.Signal2D(rng.random((3, 4, 6)) > 0.5)
    s.metadata.General.title = "Mask"
    return s


def small_ints():
    """Signal1D uint8, array (6, 10), and its int32 twin with large values (int32_line)."""
    rng = np.random.default_rng(21)
    s = hs.signals.Signal1D(rng.integers(0, 256, (6, 10)).astype("uint8"))
    s.metadata.General.title = "Bytes"
    return s


def int32_line():
    rng = np.random.default_rng(22)
    s = hs.signals.Signal1D(rng.integers(-(2**31), 2**31 - 1, (6, 10)).astype("int32"))
    s.metadata.General.title = "Large"
    return s


def functional():
    """Signal1D float64, array (3, 12), with a functional signal axis E = a / (x + 1) + b."""
    axes = [
        {"name": "t", "size": 3, "navigate": True, "scale": 1.0, "offset": 0.0},
        {"name": "E", "units": "eV", "expression": "a / (x + 1) + b", "a": 10.0, "b": 5.0, "size": 12,
         "navigate": False},
    ]
    s = hs.signals.Signal1D(np.random.default_rng(23).uniform(0, 1, (3, 12)), axes=axes)
    s.metadata.General.title = "Functional"
    return s


FIXTURES = {
    f.__name__: f
    for f in (eds_si, eds_992, eds_bin, stack2d, line1d, nonuniform, nanspec, int_images, sem_map, mask, small_ints,
              int32_line, functional)
}


# HDF5 chunk shapes (array order) that do not divide the axes, so that hyperchunk's chunked
# reductions, slices and rebin blocks straddle chunk boundaries; fixtures not listed are one chunk.
CHUNKS = {
    "eds_si": (3, 2, 16),
    "eds_992": (1, 2, 100),
    "eds_bin": (4, 3, 7),
    "stack2d": (2, 16, 12),
    "line1d": (3, 8),
    "nanspec": (2, 3, 6),
    "int_images": (1, 4, 5),
    "mask": (2, 3, 4),
    "int32_line": (4, 3),
}


def write_fixtures(folder):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, make in FIXTURES.items():
        make().save(folder / f"{name}.hspy", overwrite=True, chunks=CHUNKS.get(name))
