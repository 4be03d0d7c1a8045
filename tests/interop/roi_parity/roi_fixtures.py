"""The ROI parity suite's input files, written by HyperSpy 1.7.3 (`s.save`). The spectrum image has
the 12 x 10 navigation of scale 0.5 that the reference's worked examples (shared/reference/
hyperspy-1.7-behaviour.md §7.2) use, so those examples apply as written."""

from pathlib import Path

import numpy as np
import hyperspy.api as hs


def _calibrate(axis, name, units, scale, offset):
    axis.name = name
    axis.units = units
    axis.scale = scale
    axis.offset = offset


def si():
    """EDS_TEM spectrum image, array (10, 12, 20) uint16: nav x (12, scale 0.5), y (10, scale 0.5),
    energy 0.5 + 0.1 i keV; live time (an EDS sum over pixels scales it)."""
    rng = np.random.default_rng(31)
    s = hs.signals.Signal1D(rng.integers(0, 5000, (10, 12, 20)).astype("uint16"))
    s.set_signal_type("EDS_TEM")
    _calibrate(s.axes_manager[0], "x", "nm", 0.5, 0.0)
    _calibrate(s.axes_manager[1], "y", "nm", 0.5, 0.0)
    _calibrate(s.axes_manager[2], "Energy", "keV", 0.1, 0.5)
    s.metadata.General.title = "EDS SI"
    s.set_microscope_parameters(live_time=2.0, beam_energy=200, display=False)
    s.original_metadata.set_item("Instrument.name", "synthetic")
    return s


def stack():
    """Signal2D float32, array (3, 12, 16): 3 frames of 16 x 12 pixels, dimensions (3|16, 12); a 2-D
    ROI defaults to the signal axes (one navigation axis only), a 1-D ROI to the frames."""
    rng = np.random.default_rng(32)
    s = hs.signals.Signal2D((rng.standard_normal((3, 12, 16)) * 100 + 20).astype("float32"))
    _calibrate(s.axes_manager[0], "frame", "s", 1.0, 0.0)
    _calibrate(s.axes_manager[1], "x", "nm", 0.5, -2.0)
    _calibrate(s.axes_manager[2], "y", "nm", 0.25, 1.0)
    s.metadata.General.title = "Image stack"
    return s


def linescan():
    """Signal1D float64, array (7, 30), dimensions (position 7|Energy loss 30), both scales 0.5: a 2-D
    ROI defaults to (signal axis, navigation axis)."""
    rng = np.random.default_rng(33)
    s = hs.signals.Signal1D(rng.gamma(2.0, 50.0, (7, 30)))
    _calibrate(s.axes_manager[0], "position", "µm", 0.5, 0.5)
    _calibrate(s.axes_manager[1], "Energy loss", "eV", 0.5, 100.0)
    s.metadata.General.title = "Line scan"
    return s


def flipped():
    """Signal1D uint16, array (6, 8, 10): nav x (8, scale -0.5, offset 3: values 3 ... -0.5), y (6,
    scale 0.25, offset -1)."""
    rng = np.random.default_rng(34)
    s = hs.signals.Signal1D(rng.integers(0, 1000, (6, 8, 10)).astype("uint16"))
    _calibrate(s.axes_manager[0], "x", "nm", -0.5, 3.0)
    _calibrate(s.axes_manager[1], "y", "nm", 0.25, -1.0)
    _calibrate(s.axes_manager[2], "E", "eV", 1.0, 0.0)
    s.metadata.General.title = "Flipped"
    return s


FIXTURES = {f.__name__: f for f in (si, stack, linescan, flipped)}

# HDF5 chunk shapes (array order) that do not divide the axes: ROI cuts straddle chunk boundaries.
CHUNKS = {"si": (4, 5, 7), "stack": (2, 5, 6), "linescan": (3, 8), "flipped": (4, 3, 5)}


def write_fixtures(folder):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, make in FIXTURES.items():
        make().save(folder / f"{name}.hspy", overwrite=True, chunks=CHUNKS.get(name))
