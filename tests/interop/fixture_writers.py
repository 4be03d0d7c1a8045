"""The fixtures of make_fixtures.py: each writes one .hspy file with HyperSpy 1.7.3 (and, where
HyperSpy cannot write what a reader must handle, patches it with h5py the way older HyperSpy
versions or other tools wrote it). What the files hold is recorded by make_fixtures.py from
HyperSpy's own read-back, never from these writers."""

from pathlib import Path

import dask.array as da
import h5py
import numpy as np
import hyperspy.api as hs

RNG_SEED = 20240601
EXPERIMENTS = "Experiments"


# ---------------------------------------------------------------------------------------------
# Registry: each fixture is a function that writes one .hspy file at the path it is given.
# ---------------------------------------------------------------------------------------------

FIXTURES = []


def fixture(name, must_fail=None, may_fail_data=None, note=None):
    """Registers a writer. must_fail: the reader must refuse the file (why); may_fail_data: the
    reader may refuse the file or fail to decode its data with a clear error, or read it (why);
    note: what the fixture is about, copied into the JSON."""

    def register(write):
        FIXTURES.append(dict(name=name, write=write, must_fail=must_fail,
                             may_fail_data=may_fail_data, note=note))
        return write

    return register


def rng():
    return np.random.default_rng(RNG_SEED)


# ---------------------------------------------------------------------------------------------
# Data types
# ---------------------------------------------------------------------------------------------

def dtype_values(dtype, shape):
    """Deterministic values that include the type's extremes (and NaN, inf, -0.0 for floats)."""
    dtype = np.dtype(dtype)
    if dtype.byteorder == ">":
        return dtype_values(dtype.newbyteorder("="), shape).astype(dtype)
    n = int(np.prod(shape))
    if dtype == np.bool_:
        values = rng().integers(0, 2, n).astype(bool)
    elif dtype.kind in "iu":
        info = np.iinfo(dtype)
        values = rng().integers(info.min, info.max, n, dtype=dtype, endpoint=True)
        values[:4] = [info.min, info.max, 0, 1]
    else:
        values = rng().standard_normal(n).astype(dtype) * 1000
        special = [np.nan, np.inf, -np.inf, -0.0, np.finfo(dtype).max, np.finfo(dtype).tiny / 4]
        values[:len(special)] = special
    return values.reshape(shape)


def add_dtype_fixture(dtype):
    @fixture(f"dtype_{dtype}", note="type extremes; gzip + shuffle over ragged (2,3,4) chunks")
    def write(path):
        hs.signals.Signal1D(dtype_values(dtype, (3, 4, 7))).save(path, chunks=(2, 3, 4))


for _dtype in ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
               "float32", "float64"]:
    add_dtype_fixture(_dtype)


@fixture("big_endian_uint16", note="data stored as a big-endian HDF5 type (numpy '>u2')")
def write_big_endian_uint16(path):
    hs.signals.Signal1D(dtype_values(">u2", (5, 6, 9))).save(path)


@fixture("big_endian_float64", note="Signal2D stored as a big-endian HDF5 type (numpy '>f8')")
def write_big_endian_float64(path):
    hs.signals.Signal2D(dtype_values(">f8", (2, 5, 6))).save(path)


@fixture("unsupported_float16", must_fail="float16 is not a hyperchunk dtype")
def write_float16(path):
    hs.signals.Signal1D(np.arange(24, dtype="float16").reshape(4, 6)).save(path)


@fixture("unsupported_ragged", must_fail="ragged (object dtype, variable-length) data")
def write_ragged(path):
    data = np.empty((3,), dtype=object)
    for index in range(3):
        data[index] = np.arange(index + 2, dtype="float64")
    hs.signals.BaseSignal(data, ragged=True).save(path)


@fixture("unsupported_complex64", must_fail="complex data is not a hyperchunk dtype")
def write_complex64(path):
    data = (np.arange(24) + 1j * np.arange(24)[::-1]).astype("complex64").reshape(4, 6)
    hs.signals.ComplexSignal1D(data).save(path)


# ---------------------------------------------------------------------------------------------
# Chunking and filters
# ---------------------------------------------------------------------------------------------

def counting(shape, dtype="uint16"):
    return (np.arange(int(np.prod(shape))) % 1000).astype(dtype).reshape(shape)


@fixture("chunks_3_5_7", note="explicit chunks=(3,5,7): ragged last chunks on every axis")
def write_chunks_3_5_7(path):
    hs.signals.Signal1D(counting((10, 11, 12))).save(path, chunks=(3, 5, 7))


@fixture("chunks_true", note="chunks=True: h5py's guess_chunk")
def write_chunks_true(path):
    data = rng().random((20, 30, 64)).astype("float32")
    hs.signals.Signal1D(data).save(path, chunks=True)


@fixture("chunks_default_rule", note="get_signal_chunks: (26,30,1000) int16 -> (22,22,1000)")
def write_chunks_default_rule(path):
    hs.signals.Signal1D(counting((26, 30, 1000), "int16")).save(path)


@fixture("chunks_large_signal", note="get_signal_chunks with signals above 0.5 MB: one per chunk")
def write_chunks_large_signal(path):
    hs.signals.Signal1D(counting((3, 70000), "float64")).save(path)


@fixture("chunks_one", note="one chunk covering the whole array")
def write_chunks_one(path):
    hs.signals.Signal1D(counting((7, 9, 11))).save(path, chunks=(7, 9, 11))


@fixture("chunks_single_element", note="1x1x1 chunks")
def write_chunks_single_element(path):
    hs.signals.Signal1D(counting((3, 4, 5), "int32")).save(path, chunks=(1, 1, 1))


@fixture("chunks_signal2d_ragged", note="Signal2D with chunks (2,4,5) over (5,9,13)")
def write_chunks_signal2d_ragged(path):
    hs.signals.Signal2D(counting((5, 9, 13), "uint8")).save(path, chunks=(2, 4, 5))


@fixture("gzip_level9", note="compression=9 (gzip level 9) with shuffle")
def write_gzip_level9(path):
    hs.signals.Signal1D(counting((6, 7, 30), "uint32")).save(path, compression=9)


@fixture("gzip_no_shuffle", note="gzip without the shuffle filter")
def write_gzip_no_shuffle(path):
    hs.signals.Signal1D(counting((6, 7, 30), "int64")).save(path, shuffle=False)


@fixture("no_compression", note="compression=None: shuffle alone (HyperSpy's default shuffle=True)")
def write_no_compression(path):
    hs.signals.Signal1D(counting((6, 7, 30), "float32")).save(path, compression=None)


@fixture("no_filters", note="compression=None, shuffle=False: chunked, no filters")
def write_no_filters(path):
    data = counting((6, 7, 30), "uint16")
    hs.signals.Signal1D(data).save(path, compression=None, shuffle=False, chunks=(4, 4, 16))


@fixture("lzf", may_fail_data="lzf is h5py's own filter, absent from libhdf5")
def write_lzf(path):
    hs.signals.Signal1D(counting((6, 7, 30), "uint16")).save(path, compression="lzf")


@fixture("contiguous",
         note="data rewritten contiguous with h5py (HyperSpy 1.7.3 cannot write it: chunks=False "
              "fails); HyperSpy's lazy load of such a file is recorded in lazy_class")
def write_contiguous(path):
    data = counting((4, 5, 6), "uint16")
    hs.signals.Signal1D(data).save(path)
    with h5py.File(path, "a") as f:
        group = f[f"{EXPERIMENTS}/__unnamed__"]
        del group["data"]
        group.create_dataset("data", data=data)


# ---------------------------------------------------------------------------------------------
# Dimensions and signal classes
# ---------------------------------------------------------------------------------------------

def calibrate(signal, names, units, scales, offsets):
    """Sets name, units, scale and offset of each axis, natural order."""
    for axis, name, unit, scale, offset in zip(signal.axes_manager._get_axes_in_natural_order(),
                                               names, units, scales, offsets):
        axis.name, axis.units, axis.scale, axis.offset = name, unit, scale, offset


@fixture("nav0_signal1d", note="a single spectrum: no navigation axis")
def write_nav0_signal1d(path):
    s = hs.signals.Signal1D(counting((50,), "float32"))
    calibrate(s, ["Energy"], ["eV"], [0.5], [-10.0])
    s.save(path)


@fixture("nav1_signal1d")
def write_nav1_signal1d(path):
    s = hs.signals.Signal1D(counting((6, 40), "int16"))
    calibrate(s, ["x", "Energy"], ["nm", "keV"], [2.5, 0.01], [100.0, 0.2])
    s.axes_manager[-1].is_binned = True
    s.save(path)


@fixture("nav3_signal1d")
def write_nav3_signal1d(path):
    s = hs.signals.Signal1D(counting((2, 3, 4, 10), "uint8"))
    calibrate(s, ["x", "y", "time", "E"], ["µm", "µm", "s", "eV"], [1, 1, 0.1, 3], [0, 0, 5, -3])
    s.save(path, chunks=(1, 2, 3, 4))


@fixture("signal2d_nav0")
def write_signal2d_nav0(path):
    s = hs.signals.Signal2D(counting((12, 16), "float64"))
    calibrate(s, ["x", "y"], ["nm", "nm"], [0.25, 0.5], [1.0, 2.0])
    s.save(path)


@fixture("signal2d_nav1")
def write_signal2d_nav1(path):
    s = hs.signals.Signal2D(counting((3, 12, 16), "uint16"))
    s.save(path, chunks=(2, 5, 16))


@fixture("basesignal_2d", note="BaseSignal with two signal axes: HyperSpy loads it as Signal2D")
def write_basesignal_2d(path):
    hs.signals.BaseSignal(counting((3, 4), "int32")).save(path)


@fixture("basesignal_nav_only", note="BaseSignal(...).T: navigation axes only, no signal axis")
def write_basesignal_nav_only(path):
    hs.signals.BaseSignal(counting((3, 4), "float32")).T.save(path)


@fixture("basesignal_scalar", note="BaseSignal(np.array(5.0)): HyperSpy makes it shape (1,)")
def write_basesignal_scalar(path):
    hs.signals.BaseSignal(np.array(5.0)).save(path)


def eds_data(shape):
    return rng().poisson(3, shape).astype("uint16")


@fixture("eds_tem", note="EDSTEMSpectrum with microscope parameters, elements and lines")
def write_eds_tem(path):
    s = hs.signals.EDSTEMSpectrum(eds_data((4, 5, 64)))
    calibrate(s, ["x", "y", "Energy"], ["nm", "nm", "keV"], [1.5, 1.5, 0.1], [0, 0, 0.5])
    s.metadata.General.title = "EDS TEM map"
    s.set_microscope_parameters(beam_energy=200, live_time=1.5, tilt_stage=10.5, azimuth_angle=45,
                                elevation_angle=22, energy_resolution_MnKa=130.0)
    s.add_elements(["Fe", "Pt"])
    s.add_lines()
    s.save(path)


@fixture("eds_sem", note="EDSSEMSpectrum with microscope parameters, elements and lines")
def write_eds_sem(path):
    s = hs.signals.EDSSEMSpectrum(eds_data((3, 64)))
    calibrate(s, ["x", "Energy"], ["µm", "keV"], [0.5, 0.02], [0, -0.1])
    s.set_microscope_parameters(beam_energy=15.0, live_time=0.25, tilt_stage=35,
                                azimuth_angle=90.0, elevation_angle=40.0,
                                energy_resolution_MnKa=128.0)
    s.add_elements(["Fe", "Pt"])
    s.add_lines()
    s.save(path)


@fixture("title_slash_unicode", note="title with '/' (group name uses '-') and non-ASCII text")
def write_title_slash_unicode(path):
    s = hs.signals.Signal1D(counting((2, 8), "float32"))
    s.metadata.General.title = "Fe/Pt – µm scan ß"
    s.save(path)


# ---------------------------------------------------------------------------------------------
# Axes
# ---------------------------------------------------------------------------------------------

@fixture("axis_nonuniform", note="DataAxis with explicit values (stored as an `axis` dataset)")
def write_axis_nonuniform(path):
    values = np.array([1.0, 2.0, 4.0, 8.0, 16.0, 17.0, 18.0, 30.0, 31.5, 40.0])
    axes = [dict(size=3, name="x", units="nm", scale=2.0, offset=1.0, navigate=True),
            dict(axis=values, name="E", units="eV", navigate=False)]
    hs.signals.Signal1D(counting((3, 10), "float64"), axes=axes).save(path)


@fixture("axis_functional", note="FunctionalDataAxis 'a / (x + 1) + b' (b stored as an int)")
def write_axis_functional(path):
    s = hs.signals.Signal1D(counting((2, 20), "float32"))
    s.axes_manager[-1].convert_to_functional_data_axis(expression="a / (x + 1) + b", a=10.0, b=2,
                                                       units="nm")
    s.save(path)


@fixture("axis_mixed_kinds", note="uniform navigation, non-uniform navigation, functional signal")
def write_axis_mixed_kinds(path):
    s = hs.signals.Signal1D(counting((4, 3, 12), "int16"))
    nav_y = s.axes_manager[1]  # natural order: x, y | signal
    nav_y.convert_to_non_uniform_axis()
    s.axes_manager[-1].convert_to_functional_data_axis(expression="x**2 * c", c=0.5)
    s.save(path)


# ---------------------------------------------------------------------------------------------
# Metadata
# ---------------------------------------------------------------------------------------------

def rich_tree():
    """Values of every kind HyperSpy's writer knows (what it makes of them is what we record)."""
    return {
        "none": None,
        "true": True,
        "false": np.bool_(False),
        "int": 42,
        "negative_int": -(2**62),
        "float": 2.5,
        "nan": float("nan"),
        "inf": float("inf"),
        "minus_inf": float("-inf"),
        "int32": np.int32(-7),
        "uint8": np.uint8(200),
        "uint64_max": np.uint64(2**64 - 1),
        "float32": np.float32(0.1),
        "text": "plain text",
        "unicode": "µm – ß ∑",
        "empty_text": "",
        "date": "2023-04-05",
        "time": "13:45:12.500000",
        "bytes_with_nul": b"ab\x00cd\xff",
        "bytes_plain": b"plain bytes",
        "list_of_ints": [1, 2, 3],
        "list_of_floats": [1, 2.5, -0.0],
        "list_of_float32": [np.float32(1.5), np.float32(2.25)],
        "list_of_bools": [True, False, True],
        "tuple_of_ints": (4, 5),
        "list_of_strings": ["Fe", "Pt", "µ"],
        "tuple_of_strings": ("x", "yz"),
        "list_mixed_numbers_strings": [1, 2.0, "a name"],
        "list_with_none": [1, None, "a"],
        "list_of_lists": [[1, 2], [3, 4]],
        "ragged_list": [[1, 2], [3]],
        "empty_list": [],
        "empty_tuple": (),
        "list_of_12_dicts": [{"index": i, "label": f"item {i}"} for i in range(12)],
        "list_of_3_dicts": [{"index": i} for i in range(3)],
        "array_int16": np.arange(6, dtype="int16").reshape(2, 3),
        "array_float64": np.linspace(0, 1, 5),
        "array_uint8_3d": np.arange(24, dtype="uint8").reshape(2, 3, 4),
        "array_bool": np.array([True, False, True]),
        "array_large": np.arange(3000, dtype="float32").reshape(30, 100),
        "key with spaces": 1,
        "Nested": {"Deeper": {"Deepest": {"value": 3.25, "label": "bottom"}}, "empty_dict": {}},
    }


@fixture("metadata_rich",
         note="every value kind HyperSpy writes, in metadata and in original_metadata")
def write_metadata_rich(path):
    s = hs.signals.Signal1D(counting((2, 3, 5), "float32"))
    s.metadata.General.title = "rich"
    s.metadata.General.date = "2023-04-05"
    s.metadata.General.time = "13:45:12"
    s.metadata.General.authors = "A. Author; B. Author"
    s.metadata.General.notes = "multi\nline\tnotes"
    s.metadata.add_dictionary({"Rich": rich_tree()})
    s.original_metadata.add_dictionary({"Instrument": rich_tree(),
                                        "flat_value": 7, "Header": {"version": "1.2.3"}})
    s.save(path)


@fixture("nested_signals",
         note="signals inside metadata: navigator and variance (`_sig_` groups with "
              "`_list_<n>_axes`) and a list of signals (full experiment layout, uncompressed)")
def write_nested_signals(path):
    s = hs.signals.EDSTEMSpectrum(eds_data((3, 4, 32)))
    s.axes_manager[-1].scale, s.axes_manager[-1].units = 0.25, "keV"
    s.add_elements(["Fe", "Pt"])
    s.navigator = s.sum(-1).T
    s.estimate_poissonian_noise_variance()
    first = s.isig[2.0:4.0].sum(-1).T
    first.metadata.General.title = "first map"
    second = s.isig[5.0:6.0].sum(-1).T
    second.metadata.General.title = "second map"
    s.metadata.Sample.intensities = [first, second]
    s.save(path)


@fixture("learning_results", note="s.decomposition() results on a small float32 signal")
def write_learning_results(path):
    s = hs.signals.Signal1D(rng().random((6, 5, 16)).astype("float32"))
    s.decomposition(print_info=False)
    s.save(path)


@fixture("with_model", note="a stored model under /Analysis/models (ignored by SignalRecord)")
def write_with_model(path):
    x = np.linspace(-5, 5, 40)
    s = hs.signals.Signal1D(np.exp(-x**2)[np.newaxis, :].repeat(2, axis=0))
    model = s.create_model()
    model.append(hs.model.components1D.Gaussian())
    model.store("gauss")
    s.save(path)


# ---------------------------------------------------------------------------------------------
# Several experiments, lazy writing
# ---------------------------------------------------------------------------------------------

@fixture("two_experiments",
         note="HyperSpy 1.7.3 cannot append a second signal (save(mode='a') fails), so the "
              "second experiment group is copied in with h5py from another HyperSpy file")
def write_two_experiments(path):
    first = hs.signals.Signal1D(counting((2, 3, 8), "float32"))
    first.metadata.General.title = "first"
    first.save(path)
    second = hs.signals.Signal2D(counting((2, 4, 5), "int16"))
    second.metadata.General.title = "second"
    other = Path(path).with_suffix(".tmp.hspy")
    second.save(other)
    with h5py.File(other, "r") as source, h5py.File(path, "a") as target:
        source.copy(source[f"{EXPERIMENTS}/second"], target[EXPERIMENTS], name="second")
    other.unlink()


@fixture("lazy_saved",
         note="s.as_lazy() rechunked to (3,7,8), s.compute_navigator(), then saved: file chunks = "
              "dask chunks; the navigator is a `_sig_navigator` group")
def write_lazy_saved(path):
    s = hs.signals.Signal1D(counting((10, 20, 8), "int32")).as_lazy()
    s.data = s.data.rechunk((3, 7, 8))
    s.compute_navigator(show_progressbar=False)
    s.save(path)


@fixture("dask_irregular", note="dask chunks ((15,25),(30,),(8,)): HyperSpy saves chunks (15,30,8)")
def write_dask_irregular(path):
    data = da.from_array(counting((40, 30, 8), "int32"), chunks=((15, 25), (30,), (8,)))
    hs.signals.Signal1D(data).save(path)


# ---------------------------------------------------------------------------------------------
# Old format versions: a 3.1 file patched with h5py as older HyperSpy versions wrote it
# ---------------------------------------------------------------------------------------------

def experiment_group(f):
    return next(iter(f[EXPERIMENTS].values()))


def make_pre_3_1_axes(group, binned, drop_navigate=False):
    """Axes as written before 3.1: no `_type`, no `is_binned` (metadata.Signal.binned instead)."""
    for name in [key for key in group if key.startswith("axis-")]:
        attrs = group[name].attrs
        del attrs["_type"]
        del attrs["is_binned"]
        if drop_navigate:
            del attrs["navigate"]
    group["metadata/Signal"].attrs["binned"] = binned


def old_signal(path, title="old", dtype="uint16"):
    s = hs.signals.Signal1D(counting((3, 4, 20), dtype))
    calibrate(s, ["x", "y", "Energy"], ["nm", "nm", "eV"], [2, 3, 5], [10, 20, -50])
    s.metadata.General.title = title
    s.save(path)


@fixture("old_v3_0", note="3.0: uniform axes without _type / is_binned; Signal.binned = True")
def write_old_v3_0(path):
    old_signal(path)
    with h5py.File(path, "a") as f:
        f.attrs["file_format_version"] = "3.0"
        make_pre_3_1_axes(experiment_group(f), binned=True)


@fixture("old_v2_2", note="2.2: also TEM.tilt_stage and TEM.exposure (moved by the < 3.0 rules)")
def write_old_v2_2(path):
    old_signal(path)
    with h5py.File(path, "a") as f:
        f.attrs["file_format_version"] = "2.2"
        group = experiment_group(f)
        make_pre_3_1_axes(group, binned=False)
        tem = group["metadata"].create_group("Acquisition_instrument/TEM")
        tem.attrs["tilt_stage"] = 12.5
        tem.attrs["exposure"] = 0.75
        tem.attrs["beam_energy"] = 300.0
        sem = group["metadata/Acquisition_instrument"].create_group("SEM")
        sem.attrs["tilt_stage"] = 45.0
        for name in [key for key in group if key.startswith("axis-")]:
            group[name].attrs["index_in_array"] = int(name[len("axis-"):])


@fixture("old_v2_0", note="2.0: axes without navigate: the signal dimension comes from record_by")
def write_old_v2_0(path):
    old_signal(path, dtype="float32")
    with h5py.File(path, "a") as f:
        f.attrs["file_format_version"] = "2.0"
        make_pre_3_1_axes(experiment_group(f), binned=True, drop_navigate=True)


@fixture("old_v2_0_image", note="2.0 with record_by = 'image' on 3-D data")
def write_old_v2_0_image(path):
    old_signal(path, dtype="int32")
    with h5py.File(path, "a") as f:
        f.attrs["file_format_version"] = "2.0"
        group = experiment_group(f)
        make_pre_3_1_axes(group, binned=False, drop_navigate=True)
        group["metadata/Signal"].attrs["record_by"] = "image"


@fixture("old_v2_0_no_record_by", note="2.0, no navigate and no record_by: all axes are signal axes")
def write_old_v2_0_no_record_by(path):
    old_signal(path, dtype="int8")
    with h5py.File(path, "a") as f:
        f.attrs["file_format_version"] = "2.0"
        group = experiment_group(f)
        make_pre_3_1_axes(group, binned=False, drop_navigate=True)
        del group["metadata/Signal"].attrs["record_by"]


@fixture("old_v1_3_float_version",
         note="1.3 stored as a float64 attribute; no package attributes; _datetime_ dates")
def write_old_v1_3(path):
    old_signal(path)
    with h5py.File(path, "a") as f:
        f.attrs["file_format_version"] = np.float64(1.3)
        group = experiment_group(f)
        make_pre_3_1_axes(group, binned=True, drop_navigate=True)
        del group.attrs["package"]
        del group.attrs["package_version"]
        general = group["metadata/General"].attrs
        general["_datetime_date"] = "datetime.date(2012, 3, 4)"
        general["_datetime_time"] = "datetime.time(12, 30, 5)"


def make_pre_1_2_layout(group):
    """Renames metadata groups as before 1.2 and moves keys to where they were then."""
    group.move("metadata", "mapped_parameters")
    group.move("original_metadata", "original_parameters")
    mapped = group["mapped_parameters"]
    mapped.move("_HyperSpy", "_internal_parameters")
    mapped.move("_internal_parameters/Folding", "_internal_parameters/folding")
    mapped.attrs["record_by"] = mapped["Signal"].attrs["record_by"]
    mapped.attrs["signal_type"] = "EDS_TEM"
    mapped.attrs["signal_origin"] = ""
    mapped.attrs["original_filename"] = "old.msa"
    del mapped["Signal"]
    tem = mapped.create_group("TEM")
    tem.attrs["beam_energy"] = 200.0
    tem.attrs["tilt_stage"] = 15.0
    tem.create_group("EDS").attrs["live_time"] = 2.0
    mapped.create_group("Sample").attrs["Xray_lines"] = "Fe_Ka"  # lists came with 1.3
    mapped.create_group("Variance_estimation").attrs["gain_factor"] = 1.0


@fixture("old_v1_1", note="1.1: mapped_parameters / original_parameters and the < 1.2 moves")
def write_old_v1_1(path):
    old_signal(path)
    with h5py.File(path, "a") as f:
        f.attrs["file_format_version"] = "1.1"
        group = experiment_group(f)
        make_pre_3_1_axes(group, binned=True, drop_navigate=True)
        del group.attrs["package"]
        del group.attrs["package_version"]
        make_pre_1_2_layout(group)
        group["mapped_parameters"].attrs["title"] = group["mapped_parameters/General"].attrs["title"]
        del group["mapped_parameters/General"]


@fixture("old_v1_0_no_version",
         note="no version attribute (read as 1.0): also mva_results and the `name`/`signal` keys")
def write_old_v1_0(path):
    old_signal(path, title="renamed")
    with h5py.File(path, "a") as f:
        del f.attrs["file_format_version"]
        group = experiment_group(f)
        make_pre_3_1_axes(group, binned=False, drop_navigate=True)
        del group.attrs["package"]
        del group.attrs["package_version"]
        make_pre_1_2_layout(group)
        mapped = group["mapped_parameters"]
        del mapped["General"]
        del mapped.attrs["signal_type"]
        mapped.attrs["name"] = "old name"
        mapped.attrs["signal"] = "EDS_TEM"
        del group["learning_results"]
        mva = group.create_group("mva_results")
        mva.attrs["decomposition_algorithm"] = "svd"
        mva.create_dataset("factors", data=np.eye(3), chunks=True)


@fixture("future_v3_3", note="a newer version string: HyperSpy warns and reads it as 3.1")
def write_future_v3_3(path):
    old_signal(path, dtype="float64")
    with h5py.File(path, "a") as f:
        f.attrs["file_format_version"] = "3.3"
        del experiment_group(f)["metadata/Signal"].attrs["record_by"]


