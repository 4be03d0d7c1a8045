"""The parity suite's table: each case is a hyperchunk command line and the HyperSpy 1.7.3 expression
it must match (evaluated with `s` = the fixture loaded in memory), or the exception HyperSpy raises
and the error hyperchunk must report instead.

Fixtures (fixtures.py), natural order (navigation axes first, x before y):
  eds_si      EDS_TEM (x 5, y 4 | Energy 40) uint16      eds_992  EDS_TEM (3, 2 | 992) uint16
  eds_bin     EDS_SEM (x 4, y 6 | Energy 40) uint16      stack2d  Signal2D (frame 3 | x 50, y 40) float32
  line1d      Signal1D (position 7 | 30) float64         nonuniform  Signal1D (t 4 | q 12, non-uniform)
  nanspec     Signal1D (4, 3 | 20) float32 with NaN      int_images  Signal2D (2 | 8, 6) int16
"""

import re
from dataclasses import dataclass

import numpy as np

# Tolerances for float results of reductions, where numpy (HyperSpy) and hyperchunk add the same
# numbers in a different order: numpy sums the contiguous axis pairwise in blocks of 8 and other
# axes row by row; hyperchunk reduces chunk by chunk (the fixtures' chunks straddle the axes) and
# combines partial results. Each addition rounds by at most half an ulp of the result dtype, and
# at most 6000 elements are reduced here. Measured with exact comparison: float64 results differ by
# at most 4.4e-16 relative (2 ulps; std/var of integer data by 1 ulp), float32 results (numpy keeps
# float32 for sum/mean/std/var and block sums of float32 data) by at most 3.4e-6 relative (a sum of
# 2000 float32 values). Hence 1e-12 and 1e-5: tight, with margin for other chunkings. Integer
# results, max/min/argmax/argmin, slicing and linear rebinning compare exactly.
RTOL_F64 = 1e-12
RTOL_F32 = 1e-5


@dataclass
class Error:
    """HyperSpy raises one of `exceptions`; hyperchunk exits `exit_code` with stderr matching `pattern`."""

    exceptions: tuple
    pattern: str
    exit_code: int = 1

    def matches(self, stderr):
        return re.search(self.pattern, stderr) is not None


@dataclass
class Case:
    name: str
    command: str  # reduce, slice or rebin
    fixture: str
    args: list
    expr: str  # the HyperSpy expression, with `s` the fixture loaded in memory
    error: Error = None
    rtol: float = None  # None: exact; else float results compared with this relative tolerance
    atol: float = 0.0
    note: str = ""
    csv: bool = True  # 1-D results are also written as .csv and compared

    def py(self, s):
        return eval(self.expr, {"np": np, "s": s})  # noqa: S307 - the table's own expressions

    def describe(self):
        text = f"{self.command} {self.fixture} {' '.join(self.args)}  ~  {self.expr}"
        return text + (f"  [{self.note}]" if self.note else "")


def _slug(text):
    """A case-name part for an argument: '-1.5:' -> 'm1p5c'; ',' -> '_'."""
    text = text.replace("-", "m").replace(".", "p").replace(":", "c").replace("=", "_")
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_") or "all"


# ---- reduce -------------------------------------------------------------------------------------

# .csv needs the axis values; hyperchunk does not evaluate functional axes' expressions (it refuses
# .csv for them, tested in src/cli).
_NO_CSV = ("functional",)

_OPS = ["sum", "mean", "max", "min", "std", "var", "nansum", "nanmean"]
_PY_OP = {"argmax": "indexmax", "argmin": "indexmin"}


def _py_axes(spec):
    if spec == "navigation":
        return "s.axes_manager.navigation_axes"
    if spec == "signal":
        return "s.axes_manager.signal_axes"
    if spec == "all":
        return "tuple(range(len(s.axes_manager._axes)))"
    items = [i if i.lstrip("-").isdigit() else repr(i) for i in spec.split(",")]
    return items[0] if len(items) == 1 else "(" + ", ".join(items) + ")"


def _tolerance(fixture, op):
    if op in ("max", "min", "argmax", "argmin"):
        return None  # a selection, never a computation: exact
    if fixture in ("stack2d", "nanspec"):
        return RTOL_F32
    if fixture in ("line1d", "nonuniform", "sem_map", "functional"):
        return RTOL_F64
    # Integer data: sums are exact integers; mean/std/var are float64 computed from exact sums,
    # so they differ at most by float64 rounding of the final divisions.
    return None if op in ("sum", "nansum") else RTOL_F64


def reduce_cases():
    cases = []
    table = [
        ("eds_si", _OPS, ["navigation", "signal", "all", "x", "Energy", "0,2", "-1", "y,x"], ["x", "Energy", "1", "-1"]),
        ("stack2d", ["sum", "mean", "max", "min", "std", "var"], ["navigation", "signal", "all", "1", "0,2"],
         ["frame", "2"]),
        ("line1d", ["sum", "mean", "std", "var", "max"], ["navigation", "signal", "all"], ["1"]),
        ("nonuniform", ["sum", "mean", "max"], ["navigation", "signal"], ["q"]),
        ("nanspec", ["nansum", "nanmean", "sum", "mean", "max"], ["navigation", "signal", "all"], []),
        ("eds_992", ["sum"], ["navigation", "signal", "x,y"], []),
        ("int_images", ["sum", "mean", "min"], ["signal", "all", "x"], ["y"]),
        ("eds_bin", ["sum", "mean"], ["navigation", "x", "y,Energy"], []),  # SEM live_time
        ("sem_map", ["sum", "mean", "max"], ["navigation", "x", "all"], ["y"]),  # 0 signal axes
        ("mask", ["sum", "mean", "max", "min", "std"], ["navigation", "signal", "all"], ["0", "2"]),
        ("small_ints", ["sum", "mean", "max", "var"], ["navigation", "signal"], ["1"]),
        ("int32_line", ["sum", "mean", "min"], ["navigation", "signal", "all"], ["0"]),
        ("functional", ["sum", "mean"], ["navigation", "signal"], ["0"]),
    ]
    for fixture, ops, axes, arg_axes in table:
        for op in ops:
            for spec in axes:
                cases.append(Case(f"reduce_{fixture}_{op}_{_slug(spec)}", "reduce", fixture,
                                  ["--op", op, f"--axis={spec}"], f"s.{op}({_py_axes(spec)})",
                                  rtol=_tolerance(fixture, op), csv=fixture not in _NO_CSV))
        for op in ("argmax", "argmin"):
            for spec in arg_axes:
                cases.append(Case(f"reduce_{fixture}_{op}_{_slug(spec)}", "reduce", fixture,
                                  ["--op", op, f"--axis={spec}"], f"s.{_PY_OP[op]}({_py_axes(spec)})",
                                  csv=fixture not in _NO_CSV))
    # HyperSpy refuses these; so must hyperchunk.
    cases += [
        Case("reduce_error_no_such_axis", "reduce", "eds_si", ["--op", "sum", "--axis", "z"], "s.sum('z')",
             error=Error((ValueError,), r"eds_si\.hspy.*There is no DataAxis named z")),
        Case("reduce_error_axis_out_of_range", "reduce", "eds_si", ["--op", "sum", "--axis", "3"], "s.sum(3)",
             error=Error((IndexError,), r"eds_si\.hspy.*axis 3 does not exist: the signal has 3 axes")),
        Case("reduce_error_argmax_two_axes", "reduce", "eds_si", ["--op", "argmax", "--axis", "x,y"],
             "s.indexmax(('x', 'y'))",
             error=Error((TypeError,), r"--op argmax works over one axis", exit_code=2)),
    ]
    return cases


# ---- slice --------------------------------------------------------------------------------------

# The worked isig examples of reference §5.2, on the 0.16 + 0.02 i keV, 992-channel axis.
_ISIG_992 = [
    (":15.0", "[:15.0]"), (":15.01", "[:15.01]"), (":15.009", "[:15.009]"), ("0.17:", "[0.17:]"),
    ("0.1701:", "[0.1701:]"), ("6.3:7.1", "[6.3:7.1]"), ("10:20", "[10:20]"), ("-10:", "[-10:]"),
    ("::2", "[::2]"), ("1.0:2.0:0.04", "[1.0:2.0:0.04]"), ("1.0:2.0:0.05", "[1.0:2.0:0.05]"),
    (":25.0", "[:25.0]"), (":19.99", "[:19.99]"), (":19.991", "[:19.991]"), ("-3.0:1.0", "[-3.0:1.0]"),
    ("rel0.5:", "['rel0.5':]"), (":1500eV", "[:'1500 eV']"), ("1.5keV:2000eV", "['1.5keV':'2000 eV']"),
    ("6.3", "[6.3]"), ("0.16", "[0.16]"), ("0.15", "[0.15]"), ("19.98", "[19.98]"), ("::-1", "[::-1]"),
    ("-1", "[-1]"), ("500:100:-3", "[500:100:-3]"), ("19.0:", "[19.0:]"), ("...", "[...]"),
]

# §5.2's navigation example: x (5, scale 0.5, offset 1), y (4, scale 2, offset -1).
_INAV_SI = [
    ("1:3,2", "[1:3, 2]"), ("1.5:2.5,1.0", "[1.5:2.5, 1.0]"), ("::-1", "[::-1]"), ("-1,-1", "[-1, -1]"),
    ("0.5:", "[0.5:]"), (",1:3", "[:, 1:3]"), ("3.0,-1.0", "[3.0, -1.0]"),
    ("...,2", "[..., 2]"),
]


def slice_cases():
    cases = []
    for spec, py in _ISIG_992:
        cases.append(Case(f"slice_isig_{_slug(spec)}", "slice", "eds_992", [f"--isig={spec}"], f"s.isig{py}"))
    for spec, py in _INAV_SI:
        cases.append(Case(f"slice_inav_{_slug(spec)}", "slice", "eds_si", [f"--inav={spec}"], f"s.inav{py}"))
    cases += [
        Case("slice_inav_isig", "slice", "eds_si", ["--inav=1:4,2", "--isig=0.2:0.5"], "s.inav[1:4, 2].isig[0.2:0.5]"),
        Case("slice_inav_pixel_isig_channel", "slice", "eds_si", ["--inav=2,3", "--isig=0.5"],
             "s.inav[2, 3].isig[0.5]", note="a single axis left keeps size 1"),
        # Extension: HyperSpy 1.7.3 takes "rel"/units strings in slices only (a string position is an
        # IndexError from numpy); hyperchunk resolves a string position as a slice bound would.
        # y: rel0.5 of [-1, 5] = 2.0.
        Case("slice_inav_rel_position", "slice", "eds_si", ["--inav=rel0.5:,rel0.5"], "s.inav['rel0.5':, 2.0]",
             note="extension: HyperSpy refuses a string position"),
        Case("slice_stack_isig_2d", "slice", "stack2d", ["--isig=5:10,20:30"], "s.isig[5:10, 20:30]"),
        Case("slice_stack_isig_values", "slice", "stack2d", ["--isig=-1.0:1.0,2.0:"], "s.isig[-1.0:1.0, 2.0:]"),
        Case("slice_stack_isig_point", "slice", "stack2d", ["--isig=0.0,3.0"], "s.isig[0.0, 3.0]"),
        Case("slice_stack_inav", "slice", "stack2d", ["--inav=1"], "s.inav[1]"),
        Case("slice_stack_isig_ellipsis", "slice", "stack2d", ["--isig=...,5"], "s.isig[..., 5]"),
        Case("slice_isig_negative_float_step", "slice", "eds_992", ["--isig=2.0:1.0:-0.04"], "s.isig[2.0:1.0:-0.04]"),
        Case("slice_stack_inav_step", "slice", "stack2d", ["--inav=::2", "--isig=::3,1::4"], "s.inav[::2].isig[::3, 1::4]"),
        Case("slice_nonuniform_values", "slice", "nonuniform", ["--isig=2.5:50.0"], "s.isig[2.5:50.0]"),
        Case("slice_nonuniform_point", "slice", "nonuniform", ["--isig=6.5"], "s.isig[6.5]"),
        Case("slice_nonuniform_step", "slice", "nonuniform", ["--isig=1::2", "--inav=1:"], "s.inav[1:].isig[1::2]"),
        Case("slice_line_rel", "slice", "line1d", ["--inav=rel0.25:rel0.75"], "s.inav['rel0.25':'rel0.75']"),
        Case("slice_line_reverse_value", "slice", "line1d", ["--isig=110.0::-2"], "s.isig[110.0::-2]"),
        Case("slice_bin_whole", "slice", "eds_bin", [], "s.deepcopy()", note="no selection: a copy"),
        Case("slice_inav_units", "slice", "eds_bin", ["--inav=1500nm:,:0.003mm"], "s.inav['1500nm':, :'0.003 mm']",
             note="nm and mm converted to the axes' µm"),
        Case("slice_inav_float_step", "slice", "eds_992", ["--inav=0.5:2.0:1.0"], "s.inav[0.5:2.0:1.0]"),
        Case("slice_map_inav", "slice", "sem_map", ["--inav=1:4,4.0"], "s.inav[1:4, 4.0]"),
        Case("slice_mask_isig", "slice", "mask", ["--isig=1:5,2"], "s.isig[1:5, 2]"),
        Case("slice_functional_indices", "slice", "functional", ["--isig=2:8"], "s.isig[2:8]"),
        Case("slice_functional_step", "slice", "functional", ["--isig=::2", "--inav=1"], "s.inav[1].isig[::2]",
             csv=False),
        Case("slice_functional_reverse", "slice", "functional", ["--isig=::-1"], "s.isig[::-1]"),
        Case("slice_functional_point", "slice", "functional", ["--isig=4"], "s.isig[4]"),
    ]
    cases += [
        Case("slice_error_start_above", "slice", "eds_992", ["--isig=25.0:"], "s.isig[25.0:]",
             error=Error((IndexError,), r"eds_992\.hspy.*Start value above axis high bound")),
        Case("slice_error_value_out_of_axis", "slice", "eds_992", ["--isig=19.991"], "s.isig[19.991]",
             error=Error((ValueError,), r"eds_992\.hspy.*out of the limits")),
        Case("slice_error_below_axis", "slice", "eds_992", ["--isig=0.149"], "s.isig[0.149]",
             error=Error((ValueError,), r"eds_992\.hspy.*out of the limits")),
        Case("slice_error_stop_below", "slice", "eds_si", ["--inav=:0.5"], "s.inav[:0.5]",
             error=Error((IndexError,), r"eds_si\.hspy.*Stop value below axis low bound")),
        Case("slice_error_inav_start_above", "slice", "eds_si", ["--inav=4.0:"], "s.inav[4.0:]",
             error=Error((IndexError,), r"eds_si\.hspy.*Start value above axis high bound")),
        Case("slice_error_inav_index", "slice", "eds_si", ["--inav=5"], "s.inav[5]",
             error=Error((IndexError,), r"eds_si\.hspy.*index 5 is out of bounds")),
        Case("slice_error_inav_value", "slice", "eds_si", ["--inav=9.0"], "s.inav[9.0]",
             error=Error((ValueError,), r"eds_si\.hspy.*out of the limits")),
        Case("slice_error_too_many", "slice", "eds_si", ["--inav=1,2,3"], "s.inav[1, 2, 3]",
             error=Error((IndexError,), r"eds_si\.hspy.*too many indices")),
        Case("slice_error_step_zero", "slice", "eds_992", ["--isig=1:5:0"], "s.isig[1:5:0]",
             error=Error((ValueError,), r"eds_992\.hspy.*step cannot be zero")),
        Case("slice_error_nonuniform_float_step", "slice", "nonuniform", ["--isig=0.0:50.0:2.0"],
             "s.isig[0.0:50.0:2.0]", error=Error((ValueError,), r"nonuniform\.hspy.*Float steps are only supported")),
        Case("slice_error_nonuniform_outside", "slice", "nonuniform", ["--isig=121.5"], "s.isig[121.5]",
             error=Error((ValueError,), r"nonuniform\.hspy.*out of the limits")),
        Case("slice_error_units", "slice", "eds_992", ["--isig=1500nm:"], "s.isig['1500 nm':]",
             error=Error((Exception,), r"eds_992\.hspy.*cannot convert")),
    ]
    return cases


# ---- rebin --------------------------------------------------------------------------------------


def _rebin_expr(args):
    """The HyperSpy call for rebin command-line arguments."""
    kw, pre = [], ""
    it = iter(args)
    for a in it:
        key, _, value = a.partition("=")
        if key == "--scale":
            kw.append(f"scale=({value},)")
        elif key == "--new-shape":
            kw.append(f"new_shape=({value},)")
        elif key == "--dtype":
            kw.append({"same": "dtype='same'", "none": "dtype=None"}.get(value, f"dtype=np.{value}"))
        elif key == "--no-crop":
            kw.append("crop=False")
        elif key == "--isig":
            pre += f".isig[{value}]"
        elif key == "--inav":
            pre += f".inav[{value}]"
    return f"s{pre}.rebin({', '.join(kw)})"


def rebin_cases():
    table = [
        # Integer factors that divide their axes: block sums.
        ("eds_bin", ["--scale=2,2,1"], None, "EDS live/real time x4; x offset 10 scale 2 -> 11, 4"),
        ("eds_bin", ["--scale=1,1,4"], None, ""),
        ("eds_bin", ["--scale=2,3,5"], None, ""),
        ("eds_bin", ["--scale=4,6,40"], None, "everything in one bin"),
        ("eds_bin", ["--new-shape=2,3,10"], None, ""),
        ("eds_bin", ["--new-shape=4,6,40"], None, "all factors 1: a copy, dtype kept"),
        ("eds_bin", ["--scale=2,2,1", "--dtype=same"], None, "uint16 sums"),
        ("eds_bin", ["--scale=2,2,1", "--dtype=float32"], None, ""),
        ("eds_bin", ["--scale=2,2,1", "--dtype=uint32"], None, ""),
        ("eds_bin", ["--scale=2,2,1", "--dtype=none"], None, "HyperSpy's dtype=None, the default"),
        ("eds_bin", ["--scale=1,1,1", "--dtype=float32"], None, "factors 1: the input dtype whatever is asked"),
        ("eds_bin", ["--isig=:0.5", "--scale=1,3,1"], None, "slice first"),
        ("eds_bin", ["--inav=1:3", "--scale=2,1,2"], None, ""),
        ("stack2d", ["--scale=1,2,2"], RTOL_F32, "float32 block sums"),
        ("stack2d", ["--scale=3,5,4"], RTOL_F32, ""),
        ("stack2d", ["--new-shape=3,10,8", "--dtype=float64"], RTOL_F64, ""),
        ("line1d", ["--scale=7,3"], RTOL_F64, ""),
        ("int_images", ["--scale=2,2,3"], None, "int16 -> int64"),
        ("eds_992", ["--scale=3,2,4"], None, ""),
        # Linear (fractional) binning. HyperSpy refuses it lazily (NotImplementedError): compared
        # with its in-memory result.
        ("eds_bin", ["--scale=1.5,1,1"], None, "uint16 -> float64, crop"),
        ("eds_bin", ["--scale=1.5,1,1", "--no-crop"], None, ""),
        ("eds_bin", ["--scale=1,1,2.5"], None, "40 / 2.5 = 16 bins"),
        ("eds_bin", ["--scale=1,1,3"], None, "3 does not divide 40: linear, 13 bins"),
        ("eds_bin", ["--scale=1,1,3", "--no-crop"], None, "14 bins, the last partly covered"),
        ("eds_bin", ["--scale=0.5,1,1"], None, "up-sampling: x offset 9.5, scale 1"),
        ("eds_bin", ["--scale=2.5,1.5,0.5", "--no-crop"], None, ""),
        ("eds_bin", ["--scale=1.5,1,1", "--dtype=float32"], None, "integer input: float64 whatever float is asked"),
        ("stack2d", ["--scale=1,2.5,2.5"], None, "float32 stays float32"),
        ("stack2d", ["--scale=1,1.5,1.5", "--no-crop"], None, ""),
        ("stack2d", ["--scale=1,0.5,1"], None, ""),
        ("stack2d", ["--scale=1,0.5,1", "--dtype=none"], None, ""),
        ("stack2d", ["--scale=1.5,1,1", "--dtype=float64"], None, "float32 computed in float64"),
        ("line1d", ["--scale=2.5,1.5"], None, ""),
        ("line1d", ["--scale=1,0.5", "--no-crop"], None, ""),
        ("nanspec", ["--scale=1,1,1.5"], None, "NaN spreads to the bins it touches"),
        ("eds_bin", ["--new-shape=3,6,40"], None, "4 / 3 is not a whole factor: linear"),
        ("eds_bin", ["--inav=1:", "--scale=1.5,2,1"], None, ""),
        ("eds_bin", ["--inav=::-1", "--scale=2,2,1"], None, "negative scale: offset + (f - 1) * scale / 2"),
        ("eds_bin", ["--inav=::-1,::-2", "--scale=1.5,1,1"], None, ""),
        ("sem_map", ["--scale=5,2"], None, "0 signal axes"),
        ("sem_map", ["--scale=2,1.5"], None, ""),
        ("mask", ["--scale=1,2,2"], None, "bool block sums -> int64"),
        ("mask", ["--scale=3,3,2", "--dtype=same"], None, "bool sums in bool: a logical or"),
        ("small_ints", ["--scale=2,5"], None, "uint8 -> uint64"),
        ("small_ints", ["--scale=3,2", "--dtype=same"], None, "uint8 sums wrap as numpy's"),
        ("int32_line", ["--scale=3,5"], None, "int32 -> int64"),
        ("int32_line", ["--scale=2,2.5"], None, ""),
    ]
    cases = []
    for fixture, args, rtol, note in table:
        name = f"rebin_{fixture}_" + _slug("_".join(a.lstrip("-") for a in args))
        cases.append(Case(name, "rebin", fixture, args, _rebin_expr(args), rtol=rtol, note=note))
    cases += [
        Case("rebin_error_wrong_size", "rebin", "eds_bin", ["--scale=2,2"], "s.rebin(scale=(2, 2))",
             error=Error((ValueError,), r"eds_bin\.hspy.*Wrong scale size")),
        Case("rebin_error_new_shape_size", "rebin", "eds_bin", ["--new-shape=2,3"], "s.rebin(new_shape=(2, 3))",
             error=Error((ValueError,), r"eds_bin\.hspy.*Wrong new_shape size")),
        Case("rebin_error_linear_integer_dtype", "rebin", "eds_bin", ["--scale=1.5,1,1", "--dtype=same"],
             "s.rebin(scale=(1.5, 1, 1), dtype='same')",
             error=Error((ValueError,), r"eds_bin\.hspy.*Linear interpolation requires float dtype")),
        Case("rebin_error_linear_uint32", "rebin", "eds_bin", ["--scale=1,1,3", "--dtype=uint32"],
             "s.rebin(scale=(1, 1, 3), dtype='uint32')",
             error=Error((ValueError,), r"eds_bin\.hspy.*Linear interpolation requires float dtype")),
        # HyperSpy 1.7.3 cannot bin bool data linearly (numba TypingError in _linear_bin_loop): a
        # HyperSpy bug. hyperchunk bins it in float64 as it does integers; expected: HyperSpy's result
        # for the same data as float64.
        Case("rebin_mask_linear", "rebin", "mask", ["--scale=1,1.5,1"],
             "s._deepcopy_with_new_data(s.data.astype('float64')).rebin(scale=(1, 1.5, 1))",
             note="fixes HyperSpy's failure on bool data"),
        Case("rebin_error_functional", "rebin", "functional", ["--scale=1,2"], "s.rebin(scale=(1, 2))",
             error=Error((NotImplementedError,), r"functional\.hspy.*non-uniform axes is not yet implemented")),
        Case("rebin_error_nonuniform", "rebin", "nonuniform", ["--scale=2,2"], "s.rebin(scale=(2, 2))",
             error=Error((NotImplementedError,), r"nonuniform\.hspy.*non-uniform axes is not yet implemented")),
        Case("rebin_error_collapses", "rebin", "eds_bin", ["--scale=5,1,1"], "s.rebin(scale=(5, 1, 1))",
             error=Error((ValueError,), r"eds_bin\.hspy.*collapses to zero")),
        Case("rebin_error_slice", "rebin", "eds_bin", ["--isig=25.0:", "--scale=1,1,1"],
             "s.isig[25.0:].rebin(scale=(1, 1, 1))",
             error=Error((IndexError,), r"eds_bin\.hspy: --isig '25\.0:'.*Start value above axis high bound")),
    ]
    return cases


def all_cases():
    return reduce_cases() + slice_cases() + rebin_cases()
