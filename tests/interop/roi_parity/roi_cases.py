"""The ROI parity suite's table: each case is a `hyperchunk roi` command line and the HyperSpy 1.7.3
call it must match, `roi(s, axes=...)` optionally reduced over the ROI's axes, with `s` the fixture
loaded in memory; or the exception HyperSpy raises and the error hyperchunk must report instead.

Fixtures (roi_fixtures.py), natural order (navigation axes first, x before y):
  si        EDS_TEM (x 12, y 10 | Energy 20) uint16, navigation scale 0.5
  stack     Signal2D (frame 3 | x 16, y 12) float32
  linescan  Signal1D (position 7 | Energy loss 30) float64, both scales 0.5
  flipped   Signal1D (x 8 scale -0.5, y 6 | 10) uint16

Documented differences (hyperchunk refuses or fixes what HyperSpy 1.7.3 does silently or fails at):
  * `refusal` cases: HyperSpy does not raise but cuts something other than what was asked (a 2-D ROI
    given one axis acts as a 1-D ROI on it; CircleROI drops an r_inner >= r and masks |r_inner|
    for a negative one); hyperchunk exits 1.
  * `expected` cases: HyperSpy raises on a valid request (CircleROI on (signal, navigation) axes
    whose bounding box is not square: its mask is laid out along the wrong axes); hyperchunk gives
    the ring, compared with the same computation done by hand.
"""

import re
from dataclasses import dataclass, field

import numpy as np
import hyperspy.api as hs

# Tolerances for float sums and means, where numpy and hyperchunk add in a different order
# (tests/interop/parity/cases.py measures them): float64 1e-12, float32 1e-5 relative.
RTOL_F64 = 1e-12
RTOL_F32 = 1e-5

_CLASSES = {
    "rect": "RectangularROI",
    "span": "SpanROI",
    "circle": "CircleROI",
    "line": "Line2DROI",
}
_FLOAT_FIXTURES = {"stack": RTOL_F32, "linescan": RTOL_F64}


@dataclass
class Error:
    """HyperSpy raises one of `exceptions`; hyperchunk exits `exit_code` with stderr matching `pattern`."""

    exceptions: tuple
    pattern: str
    exit_code: int = 1

    def matches(self, stderr):
        return re.search(self.pattern, stderr) is not None


def _num(v):
    return repr(v) if isinstance(v, float) else str(v)


@dataclass
class Case:
    name: str
    fixture: str
    shape: str  # rect, span, point, circle, line
    values: tuple  # the ROI's constructor arguments
    axes: str = None  # None (HyperSpy's rule), "navigation" or "signal"
    op: str = "none"  # none, sum, mean, nansum, nanmean
    error: Error = None
    refusal: str = None  # what HyperSpy does instead of raising (hyperchunk exits 1, `error` says how)
    expected: str = None  # an expression for the result where HyperSpy fails (see the docstring)
    note: str = ""
    command: str = "roi"
    rtol: float = field(default=None, init=False)
    atol: float = 0.0
    csv: bool = True

    def __post_init__(self):
        if self.op != "none":
            if self.fixture in _FLOAT_FIXTURES:
                self.rtol = _FLOAT_FIXTURES[self.fixture]
            elif self.op.endswith("mean"):
                self.rtol = RTOL_F64

    @property
    def args(self):
        args = [f"--{self.shape}={','.join(_num(v) for v in self.values)}"]
        if self.axes:
            args += ["--axes", self.axes]
        if self.op != "none":
            args += ["--op", self.op]
        return args

    def make_roi(self):
        if self.shape == "point":
            return (hs.roi.Point1DROI if len(self.values) == 1 else hs.roi.Point2DROI)(*self.values)
        return getattr(hs.roi, _CLASSES[self.shape])(*self.values)

    def _roi_text(self):
        cls = _CLASSES.get(self.shape) or ("Point1DROI" if len(self.values) == 1 else "Point2DROI")
        axes = f", axes=s.axes_manager.{self.axes}_axes[:n]" if self.axes else ""
        return f"hs.roi.{cls}({', '.join(_num(v) for v in self.values)})(s{axes})"

    def _method(self):
        if self.shape == "circle" and not self.op.startswith("nan"):
            return "nan" + self.op  # the NaN outside the ring are skipped
        return self.op

    def py(self, s):
        """HyperSpy's result: roi(s, axes=...), then the reduction over the ROI's axes."""
        roi = self.make_roi()
        axes = None if self.axes is None else getattr(s.axes_manager, f"{self.axes}_axes")[:roi._ndim]
        r = roi(s, axes=axes)
        if self.op == "none":
            return r
        return getattr(r, self._method())(self.reduce_axes(s, r, roi, axes))

    def reduce_axes(self, s, r, roi, axes):
        """Natural indices in `r` of the axes the ROI spans (a line: its profile axis)."""
        parsed = roi._parse_axes(axes, s.axes_manager)
        if self.shape == "line":
            i0 = min(a.index_in_array for a in parsed)
            return (r.axes_manager._get_axes_in_natural_order().index(r.axes_manager._axes[i0]),)
        natural = s.axes_manager._get_axes_in_natural_order()
        return tuple(natural.index(a) for a in parsed)

    def expected_result(self, s):
        return eval(self.expected, {"np": np, "hs": hs, "s": s, "circle_by_hand": circle_by_hand})  # noqa: S307

    def describe(self):
        text = f"roi {self.fixture} {' '.join(self.args)}  ~  {self._roi_text()}"
        if self.op != "none":
            text += f".{self._method()}(roi axes)"
        if self.refusal:
            text += f"  [HyperSpy: {self.refusal}]"
        return text + (f"  [{self.note}]" if self.note else "")


def circle_by_hand(s, cx, cy, r, r_inner=0.0):
    """CircleROI(cx, cy, r, r_inner)(s) on a (1|1) signal with axes (signal, navigation), HyperSpy's
    algorithm with the mask laid out along the axes it is computed on (array order: navigation,
    signal)."""
    sig, nav = s.axes_manager.signal_axes[0], s.axes_manager.navigation_axes[0]
    roi = hs.roi.CircleROI(cx, cy, r, r_inner)
    ccx, ccy = cx + 0.5001 * sig.scale, cy + 0.5001 * nav.scale
    natural = s.axes_manager._get_axes_in_natural_order()
    slices = roi._make_slices(natural, (sig, nav), [[ccx - r, ccx + r], [ccy - r, ccy + r]])
    cut = s.inav[slices[0]].isig[slices[1]]
    gx, gy = np.meshgrid(sig.axis[slices[1]] - ccx, nav.axis[slices[0]] - ccy)
    gr = gx**2 + gy**2
    cut.data = np.where((gr > r**2) | (gr < r_inner**2), np.nan, cut.data)
    return cut


def _slug(values):
    return "_".join(_num(v).replace("-", "m").replace(".", "p") for v in values)


def _case(fixture, shape, values, **kw):
    suffix = "".join(f"_{kw[k]}" for k in ("axes", "op") if kw.get(k) and kw[k] != "none")
    name = kw.pop("name", None) or f"{fixture}_{shape}_{_slug(values)}{suffix}"
    return Case(name, fixture, shape, tuple(values), **kw)


def _out_of_axis(fixture):
    return Error((ValueError,), rf"{fixture}\.hspy: --\w+ [-0-9.,e]+: .*is out of the limits of the \"\w+\" axis")


def all_cases():
    cases = []
    add = cases.append
    # ---- the spectrum image: the reference's examples, edges, reductions --------------------------
    for v in [(1, 1.5, 3, 4), (1.1, 1.6, 3.24, 4.26), (1.25, 1.25, 3.25, 3.75), (-2, -1, 100, 100),
              (4.6, 3.9, 7.0, 6.0), (0.0, 0.0, 0.5, 0.5), (5.5, 4.5, 5.6, 4.6)]:
        add(_case("si", "rect", v))
    for op in ("sum", "mean", "nansum", "nanmean"):
        add(_case("si", "rect", (1, 1.5, 3, 4), op=op))
    add(_case("si", "rect", (-2, -1, 100, 100), op="sum", note="the whole image: s.sum() with live_time scaled"))
    add(_case("si", "rect", (1, 1.5, 3, 4), axes="navigation", op="sum"))
    for op in ("sum", "mean"):
        add(_case("si", "rect", (5.5, 4.5, 5.6, 4.6), op=op, note="an empty cut: zeros, NaN"))
    add(_case("si", "rect", (10, 10, 20, 20), error=_out_of_axis("si")))
    add(_case("si", "rect", (-5, -5, -3, -3), error=_out_of_axis("si")))
    add(_case("si", "rect", (3, 1, 1, 4), error=Error((ValueError,), r"si\.hspy: --rect 3,1,1,4: `left` \(3\) must be "
                                                                      r"smaller than `right` \(1\)")))
    add(_case("si", "rect", (1, 1.5, 3, 4), axes="signal", refusal="a 2-D ROI on the one energy axis slices it "
              "with left:right", error=Error((), r"si\.hspy: --rect 1,1\.5,3,4: --axes signal: the signal "
                                                  r"\(12, 10\|20\) has 1 signal axis; this ROI spans 2")))
    for v in [(1.5, 2.0), (0.26, 4.74), (-1.0, 0.7), (5.0, 9.0)]:
        add(_case("si", "span", v))
    for v in [(1.0, 1.5), (0.4, 0.56), (2.0, 9.0), (-3.0, 0.6)]:
        add(_case("si", "span", v, axes="signal"))
    for op in ("sum", "mean"):
        add(_case("si", "span", (1.0, 1.5), axes="signal", op=op, note="an energy window's map"))
    add(_case("si", "span", (1.5, 2.0), op="sum"))
    add(_case("si", "span", (1.5, 3.0), axes="navigation", note="the first navigation axis, as by default"))
    add(_case("si", "span", (10, 11), error=_out_of_axis("si")))
    add(_case("si", "span", (2.0, 1.0), error=Error((ValueError,), r"si\.hspy: --span 2\.0,1\.0: `left` \(2\) must be "
                                                                    r"smaller than `right` \(1\)")))
    for v in [(2.26,), (0.0,), (5.74,), (-3.0,)]:
        add(_case("si", "point", v, note="below the axis: HyperSpy takes index 0" if v[0] < 0 else ""))
    for v in [(2.26, 1.24), (0.25, 0.25), (5.5, 4.5)]:
        add(_case("si", "point", v))
    add(_case("si", "point", (1.26,), axes="signal", note="one energy channel: a (12, 10|) map"))
    add(_case("si", "point", (50.0,), error=_out_of_axis("si")))
    add(_case("si", "point", (1.0, 50.0), error=_out_of_axis("si")))
    for v in [(2.5, 2.5, 1), (2.5, 2.5, 1, 0.5), (0.0, 0.0, 1.0), (5.2, 4.3, 1.3, 0.4), (2.26, 1.24, 0.2),
              (3.0, 2.0, 10.0)]:
        add(_case("si", "circle", v))
    for op in ("sum", "mean"):
        add(_case("si", "circle", (2.5, 2.5, 1, 0.5), op=op))
        add(_case("si", "circle", (0.0, 0.0, 1.0), op=op))
    add(_case("si", "circle", (2.5, 2.5, 1), op="nansum"))
    add(_case("si", "circle", (50, 50, 1), error=_out_of_axis("si")))
    add(_case("si", "circle", (2.5, 2.5, -1), error=Error((ValueError,), r"si\.hspy: --circle 2\.5,2\.5,-1: `r` \(-1\) "
                                                                           r"must be >= `r_inner` \(0\)")))
    add(_case("si", "circle", (2.5, 2.5, 1, 1), refusal="r_inner >= r is silently set back to 0",
              error=Error((), r"si\.hspy: --circle 2\.5,2\.5,1,1: r_inner \(1\) must lie in \[0, r\)")))
    add(_case("si", "circle", (2.5, 2.5, 1, -0.5), refusal="a negative r_inner masks the pixels within |r_inner|",
              error=Error((), r"si\.hspy: --circle 2\.5,2\.5,1,-0\.5: r_inner \(-0\.5\) must lie in \[0, r\)")))
    add(_case("si", "circle", (2.5, 2.5, 1), axes="signal",
              error=Error((IndexError,), r"si\.hspy: --circle 2\.5,2\.5,1: --axes signal: the signal \(12, 10\|20\) "
                                         r"has 1 signal axis; this ROI spans 2")))
    for v in [(0, 0, 2, 2), (0, 0, 2, 2, 0.5), (0, 0, 2, 2, 1.2), (0.3, 0.2, 4.1, 3.3, 1.0), (5.0, 0.5, 0.2, 4.4, 0.6),
              (-1, -1, 2, 1), (1.0, 4.5, 1.0, 0.5), (5.5, 0.0, 0.0, 0.0, 0.24)]:
        add(_case("si", "line", v))
    for op in ("sum", "mean"):
        add(_case("si", "line", (0.3, 0.2, 4.1, 3.3, 1.0), op=op))
    add(_case("si", "line", (0, 0, 2, 2, -1), error=Error((ValueError,), r"si\.hspy: --line 0,0,2,2,-1: linewidth "
                                                                         r"must be positive number")))
    add(_case("si", "line", (0, 0, 2, 2), axes="signal",
              error=Error((IndexError,), r"si\.hspy: --line 0,0,2,2: --axes signal: the signal \(12, 10\|20\) has "
                                         r"1 signal axis; this ROI spans 2")))
    # ---- the image stack: 2-D ROIs on the signal axes, 1-D ones on the frames ---------------------
    for v in [(-1, 1.5, 1.3, 2.6), (-2.0, 1.0, 5.5, 3.75), (3.0, 3.0, 10.0, 10.0)]:
        add(_case("stack", "rect", v))
    for op in ("sum", "mean"):
        add(_case("stack", "rect", (-1, 1.5, 1.3, 2.6), op=op))
    add(_case("stack", "span", (0.5, 2.0)))
    add(_case("stack", "span", (-1.0, 0.0), axes="signal", note="the first signal axis, x"))
    add(_case("stack", "span", (-1.0, 0.0), axes="signal", op="sum"))
    add(_case("stack", "point", (1.4,)))
    add(_case("stack", "point", (0.26, 2.1)))
    add(_case("stack", "circle", (0.5, 2.0, 1.0)))
    for op in ("sum", "mean"):
        add(_case("stack", "circle", (0.5, 2.0, 1.0, 0.3), op=op))
    add(_case("stack", "line", (-2, 1, 3, 3.5, 0.5)))
    add(_case("stack", "line", (-2, 1, 3, 3.5, 0.5), op="mean"))
    add(_case("stack", "rect", (-1, 1.5, 1.3, 2.6), axes="navigation",
              refusal="a 2-D ROI on the one navigation axis slices it with left:right",
              error=Error((), r"stack\.hspy: .*--axes navigation: the signal \(3\|16, 12\) has 1 navigation axis")))
    # ---- the line scan: 2-D ROIs on (signal axis, navigation axis) ---------------------------------
    add(_case("linescan", "rect", (101.0, 0.75, 105.0, 2.6)))
    for op in ("sum", "mean"):
        add(_case("linescan", "rect", (101.0, 0.75, 105.0, 2.6), op=op))
    add(_case("linescan", "span", (1.0, 2.6)))
    add(_case("linescan", "span", (103.0, 106.2), axes="signal"))
    add(_case("linescan", "point", (2.0,)))
    add(_case("linescan", "point", (103.3, 1.7)))
    add(_case("linescan", "circle", (103.0, 2.0, 1.0), note="a square bounding box"))
    add(_case("linescan", "circle", (103.0, 2.0, 1.0), op="sum"))
    add(_case("linescan", "circle", (103.0, 1.0, 1.2), error=Error((ValueError,), ""),
              expected="circle_by_hand(s, 103.0, 1.0, 1.2)",
              note="box 5 x 4: HyperSpy fails to broadcast its mask"))
    add(_case("linescan", "line", (100.0, 0.5, 104.0, 3.0)))
    add(_case("linescan", "line", (100.0, 0.5, 104.0, 3.0, 1.0)))
    add(_case("linescan", "line", (100.0, 0.5, 104.0, 3.0, 1.0), op="sum", note="along the profile: a scalar"))
    # ---- negative navigation scale ---------------------------------------------------------------
    add(_case("flipped", "rect", (-5, -5, 5, 5)))
    add(_case("flipped", "rect", (2.0, -0.75, 0.5, 0.0), error=Error((ValueError,), r"`left` \(2\) must be smaller")))
    add(_case("flipped", "rect", (0.5, -0.5, 2.0, 0.0), note="values decrease along x: an empty cut"))
    add(_case("flipped", "span", (1.0, 2.5), note="empty"))
    add(_case("flipped", "point", (1.26,)))
    add(_case("flipped", "point", (1.26, -0.6)))
    add(_case("flipped", "circle", (1.5, -0.5, 0.6), note="empty along x"))
    add(_case("flipped", "line", (0, -1, 3, 0.2)))
    add(_case("flipped", "line", (0, -1, 3, 0.2, 0.5)))
    return cases
