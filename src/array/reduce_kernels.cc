#include "reduce_kernels.h"

#include <cmath>
#include <limits>

namespace hyperchunk::internal {

namespace {

// ---- iteration over contiguous runs ---------------------------------------------------------

// A tile walked as outer axes (odometer) plus one inner run. Every axis has a stride into the tile,
// into the state and into the flat arg index.
struct RunLayout {
  std::vector<Index> extent, tile_stride, state_stride, arg_stride;
  Index inner_n = 1, inner_state_stride = 0, inner_arg_stride = 0;
  Index state_base = 0, arg_base = 0;
  bool empty = false;
};

RunLayout MakeLayout(const Shape& tile_shape, const std::vector<bool>& reduced, const Shape& state_shape,
                     const std::vector<Index>& offset, const std::vector<Index>& arg_start,
                     const std::vector<Index>& arg_sizes) {
  RunLayout L;
  const size_t rank = tile_shape.size();
  const auto tstr = ContiguousStrides(tile_shape);
  const auto sstr = ContiguousStrides(state_shape);
  std::vector<Index> astr(rank, 0);
  Index acc = 1;
  for (size_t d = rank; d-- > 0;) {
    if (reduced[d]) {
      astr[d] = acc;
      acc *= arg_sizes.empty() ? tile_shape[d] : arg_sizes[d];
    }
  }
  std::vector<Index> ext, ts, ss, as;
  for (size_t d = 0; d < rank; ++d) {
    if (tile_shape[d] == 0) L.empty = true;
    const Index s = reduced[d] ? 0 : sstr[d];
    if (!reduced[d]) L.state_base += (offset.empty() ? 0 : offset[d]) * sstr[d];
    if (reduced[d] && !arg_start.empty()) L.arg_base += arg_start[d] * astr[d];
    if (tile_shape[d] == 1) continue;  // contributes nothing to iteration
    // Merge with the previous axis when every stride family stays consistent.
    if (!ext.empty() && ts.back() == tstr[d] * tile_shape[d] && ss.back() == s * tile_shape[d] &&
        as.back() == astr[d] * tile_shape[d]) {
      ext.back() *= tile_shape[d];
      ts.back() = tstr[d];
      ss.back() = s;
      as.back() = astr[d];
      continue;
    }
    ext.push_back(tile_shape[d]);
    ts.push_back(tstr[d]);
    ss.push_back(s);
    as.push_back(astr[d]);
  }
  if (!ext.empty()) {
    L.inner_n = ext.back();
    L.inner_state_stride = ss.back();
    L.inner_arg_stride = as.back();
    ext.pop_back();
    ts.pop_back();
    ss.pop_back();
    as.pop_back();
  }
  L.extent = std::move(ext);
  L.tile_stride = std::move(ts);
  L.state_stride = std::move(ss);
  L.arg_stride = std::move(as);
  return L;
}

// Calls f(tile_offset, state_offset, arg_offset) for every inner run.
template <typename F>
void ForEachRun(const RunLayout& L, F&& f) {
  if (L.empty) return;
  const size_t outer = L.extent.size();
  std::vector<Index> pos(outer, 0);
  Index t = 0, s = L.state_base, a = L.arg_base;
  while (true) {
    f(t, s, a);
    size_t d = outer;
    while (true) {
      if (d == 0) return;
      --d;
      ++pos[d];
      t += L.tile_stride[d];
      s += L.state_stride[d];
      a += L.arg_stride[d];
      if (pos[d] < L.extent[d]) break;
      t -= L.tile_stride[d] * pos[d];
      s -= L.state_stride[d] * pos[d];
      a -= L.arg_stride[d] * pos[d];
      pos[d] = 0;
    }
  }
}

// ---- element helpers -----------------------------------------------------------------------

template <typename T>
bool IsNan(T v) {
  if constexpr (std::is_floating_point_v<T>) return v != v;
  else return false;
}

// numpy's pairwise summation of n values converted to A.
template <typename A, typename T, typename Conv>
A PairwiseSum(const T* a, Index n, Conv conv) {
  if (n < 8) {
    A res = A(0);
    for (Index i = 0; i < n; ++i) res += conv(a[i]);
    return res;
  }
  if (n <= 128) {
    A r[8];
    for (int j = 0; j < 8; ++j) r[j] = conv(a[j]);
    Index i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (int j = 0; j < 8; ++j) r[j] += conv(a[i + j]);
    }
    A res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += conv(a[i]);
    return res;
  }
  Index n2 = n / 2;
  n2 -= n2 % 8;
  return PairwiseSum<A>(a, n2, conv) + PairwiseSum<A>(a + n2, n - n2, conv);
}

// Sums integers with wraparound (numpy's modular behaviour) in uint64.
template <typename T>
uint64_t WrapSum(const T* a, Index n) {
  uint64_t s = 0;
  for (Index i = 0; i < n; ++i) s += static_cast<uint64_t>(a[i]);
  return s;
}

template <typename T>
T Lowest() {
  if constexpr (std::is_floating_point_v<T>) return -std::numeric_limits<T>::infinity();
  else return std::numeric_limits<T>::lowest();
}
template <typename T>
T Highest() {
  if constexpr (std::is_floating_point_v<T>) return std::numeric_limits<T>::infinity();
  else return std::numeric_limits<T>::max();
}

// Whether candidate (x, ix) beats (cur, icur) for argmax (kMax) or argmin; NaN wins, then the
// extreme value, then the smaller index.
template <bool kMax, typename T>
bool ArgBetter(T x, Index ix, T cur, Index icur) {
  if (icur < 0) return true;
  const bool xn = IsNan(x), cn = IsNan(cur);
  if (cn) return xn && ix < icur;
  if (xn) return true;
  if (kMax ? x > cur : x < cur) return true;
  return x == cur && ix < icur;
}

}  // namespace

DType ReduceResultType(ReduceOp op, DType dtype) {
  switch (op) {
    case ReduceOp::kSum:
    case ReduceOp::kNanSum: return SumResultType(dtype);
    case ReduceOp::kMean:
    case ReduceOp::kNanMean:
    case ReduceOp::kVar:
    case ReduceOp::kStd: return MeanResultType(dtype);
    case ReduceOp::kMin:
    case ReduceOp::kMax: return dtype;
    case ReduceOp::kArgMin:
    case ReduceOp::kArgMax: return DType::kInt64;
  }
  return dtype;
}

Index ReduceState::nbytes() const {
  Index n = 0;
  for (const auto& p : parts) n += p.nbytes();
  return n;
}

Reducer::Reducer(ReduceOp op, DType in_dtype, int ddof) : op_(op), in_dtype_(in_dtype), ddof_(ddof) {}

DType Reducer::out_dtype() const { return ReduceResultType(op_, in_dtype_); }

Index Reducer::state_item_bytes() const {
  switch (op_) {
    case ReduceOp::kNanMean: return ItemSize(out_dtype()) + 8;
    case ReduceOp::kVar:
    case ReduceOp::kStd: return 24;
    case ReduceOp::kArgMin:
    case ReduceOp::kArgMax: return ItemSize(in_dtype_) + 8;
    default: return ItemSize(out_dtype());
  }
}

ReduceState Reducer::Init(const Shape& keep_shape) const {
  ReduceState st;
  switch (op_) {
    case ReduceOp::kSum:
    case ReduceOp::kNanSum:
    case ReduceOp::kMean: st.parts.push_back(NdArray::Zeros(out_dtype(), keep_shape)); break;
    case ReduceOp::kNanMean:
      st.parts.push_back(NdArray::Zeros(out_dtype(), keep_shape));
      st.parts.push_back(NdArray::Zeros(DType::kInt64, keep_shape));
      break;
    case ReduceOp::kVar:
    case ReduceOp::kStd:
      for (int i = 0; i < 3; ++i) st.parts.push_back(NdArray::Zeros(DType::kFloat64, keep_shape));
      break;
    case ReduceOp::kMin:
    case ReduceOp::kMax: {
      NdArray v = NdArray::Empty(in_dtype_, keep_shape);
      VisitDType(in_dtype_, [&]<typename T>() {
        T* p = v.data<T>();
        const T init = op_ == ReduceOp::kMax ? Lowest<T>() : Highest<T>();
        for (Index i = 0; i < v.size(); ++i) p[i] = init;
      });
      st.parts.push_back(std::move(v));
      break;
    }
    case ReduceOp::kArgMin:
    case ReduceOp::kArgMax: {
      st.parts.push_back(NdArray::Zeros(in_dtype_, keep_shape));
      NdArray idx = NdArray::Empty(DType::kInt64, keep_shape);
      for (Index i = 0; i < idx.size(); ++i) idx.data<int64_t>()[i] = -1;
      st.parts.push_back(std::move(idx));
      break;
    }
  }
  return st;
}

namespace {

// out[i] += in[i] for a run: the states never alias the tile, and saying so lets the compiler
// vectorize the loop (each element's additions keep their order, so results are unchanged).
template <typename A, typename T>
void AddRun(A* __restrict out, const T* __restrict in, Index n) {
  for (Index i = 0; i < n; ++i) out[i] += static_cast<A>(in[i]);
}

// Sum-like accumulation of a tile into `sum` (and `count` for nanmean).
template <typename T, typename A>
void AccumulateSum(const NdArray& tile, const RunLayout& L, bool skip_nan, A* sum, int64_t* count) {
  constexpr bool kFloat = std::is_floating_point_v<T>;
  const T* in = tile.data<T>();
  ForEachRun(L, [&](Index t, Index s, Index) {
    const T* p = in + t;
    const Index n = L.inner_n;
    if constexpr (std::is_integral_v<A>) {
      using U = uint64_t;
      U* us = reinterpret_cast<U*>(sum);
      if (L.inner_state_stride == 0) {
        us[s] += WrapSum(p, n);
      } else {
        AddRun<U>(us + s, p, n);
      }
    } else {
      if (L.inner_state_stride == 0) {
        if (skip_nan && std::is_floating_point_v<T>) {
          sum[s] += PairwiseSum<A>(p, n, [](T v) { return IsNan(v) ? A(0) : static_cast<A>(v); });
          if (count) {
            int64_t c = 0;
            for (Index i = 0; i < n; ++i) c += IsNan(p[i]) ? 0 : 1;
            count[s] += c;
          }
        } else {
          sum[s] += PairwiseSum<A>(p, n, [](T v) { return static_cast<A>(v); });
          if (count) count[s] += n;
        }
      } else if (count == nullptr && !(skip_nan && kFloat)) {
        AddRun<A>(sum + s, p, n);  // the sum over leading axes of a spectrum image: the hot case
      } else {
        for (Index i = 0; i < n; ++i) {
          const bool nan = skip_nan && IsNan(p[i]);
          if (!nan) sum[s + i] += static_cast<A>(p[i]);
          if (count) count[s + i] += nan ? 0 : 1;
        }
      }
    }
  });
}

template <typename T, bool kMax>
void AccumulateMinMax(const NdArray& tile, const RunLayout& L, T* val) {
  const T* in = tile.data<T>();
  ForEachRun(L, [&](Index t, Index s, Index) {
    const T* p = in + t;
    if (L.inner_state_stride == 0) {
      T acc = val[s];
      for (Index i = 0; i < L.inner_n; ++i) {
        const T x = p[i];
        if ((kMax ? x > acc : x < acc) || IsNan(x)) acc = x;
        if (IsNan(acc)) break;
      }
      val[s] = acc;
    } else {
      for (Index i = 0; i < L.inner_n; ++i) {
        const T x = p[i];
        T& acc = val[s + i];
        if ((kMax ? x > acc : x < acc) || IsNan(x)) acc = IsNan(acc) ? acc : x;
      }
    }
  });
}

template <typename T, bool kMax>
void AccumulateArg(const NdArray& tile, const RunLayout& L, T* val, int64_t* idx) {
  const T* in = tile.data<T>();
  ForEachRun(L, [&](Index t, Index s, Index a) {
    const T* p = in + t;
    if (L.inner_state_stride == 0) {
      T best = val[s];
      Index bi = idx[s];
      for (Index i = 0; i < L.inner_n; ++i) {
        const Index ix = a + i * L.inner_arg_stride;
        if (ArgBetter<kMax>(p[i], ix, best, bi)) {
          best = p[i];
          bi = ix;
        }
      }
      val[s] = best;
      idx[s] = bi;
    } else {
      for (Index i = 0; i < L.inner_n; ++i) {
        if (ArgBetter<kMax>(p[i], a, val[s + i], idx[s + i])) {
          val[s + i] = p[i];
          idx[s + i] = a;
        }
      }
    }
  });
}

// Chan et al.'s merge of (n, mean, m2) triples.
inline void MergeMoments(double& na, double& ma, double& m2a, double nb, double mb, double m2b) {
  if (nb == 0) return;
  if (na == 0) {
    na = nb;
    ma = mb;
    m2a = m2b;
    return;
  }
  const double n = na + nb;
  const double delta = mb - ma;
  ma += delta * (nb / n);
  m2a += m2b + delta * delta * (na * nb / n);
  na = n;
}

// Two passes over the tile: its own mean and m2 per result element, then merged into the state.
template <typename T>
void AccumulateMoments(const NdArray& tile, const std::vector<bool>& reduced, const std::vector<Index>& offset,
                       ReduceState& state) {
  Shape k_shape = tile.shape();
  Index nt = 1;
  for (size_t d = 0; d < k_shape.size(); ++d) {
    if (reduced[d]) {
      nt *= k_shape[d];
      k_shape[d] = 1;
    }
  }
  if (nt == 0 || tile.size() == 0) return;
  NdArray tmean = NdArray::Zeros(DType::kFloat64, k_shape);
  NdArray tm2 = NdArray::Zeros(DType::kFloat64, k_shape);
  const RunLayout L = MakeLayout(tile.shape(), reduced, k_shape, {}, {}, {});
  double* mean = tmean.data<double>();
  double* m2 = tm2.data<double>();
  AccumulateSum<T, double>(tile, L, false, mean, nullptr);
  for (Index i = 0; i < tmean.size(); ++i) mean[i] /= static_cast<double>(nt);
  const T* in = tile.data<T>();
  ForEachRun(L, [&](Index t, Index s, Index) {
    const T* p = in + t;
    if (L.inner_state_stride == 0) {
      const double m = mean[s];
      m2[s] += PairwiseSum<double>(p, L.inner_n, [m](T v) {
        const double dv = static_cast<double>(v) - m;
        return dv * dv;
      });
    } else {
      for (Index i = 0; i < L.inner_n; ++i) {
        const double dv = static_cast<double>(p[i]) - mean[s + i];
        m2[s + i] += dv * dv;
      }
    }
  });
  // Merge the tile's moments into the state at `offset`.
  const Shape& st_shape = state.parts[0].shape();
  const auto sstr = ContiguousStrides(st_shape);
  const auto kstr = ContiguousStrides(k_shape);
  double* sm = state.parts[0].data<double>();
  double* sm2 = state.parts[1].data<double>();
  double* sn = state.parts[2].data<double>();
  const Index kn = tmean.size();
  for (Index k = 0; k < kn; ++k) {
    Index rem = k, so = 0;
    for (size_t d = 0; d < k_shape.size(); ++d) {
      const Index c = rem / kstr[d];
      rem -= c * kstr[d];
      if (!reduced[d]) so += (c + (offset.empty() ? 0 : offset[d])) * sstr[d];
    }
    MergeMoments(sn[so], sm[so], sm2[so], static_cast<double>(nt), mean[k], m2[k]);
  }
}

}  // namespace

void Reducer::Accumulate(const NdArray& tile, const std::vector<bool>& reduced, const std::vector<Index>& offset,
                         const std::vector<Index>& arg_start, const std::vector<Index>& arg_sizes,
                         ReduceState& state) const {
  if (op_ == ReduceOp::kVar || op_ == ReduceOp::kStd) {
    VisitDType(in_dtype_, [&]<typename T>() { AccumulateMoments<T>(tile, reduced, offset, state); });
    return;
  }
  const RunLayout L = MakeLayout(tile.shape(), reduced, state.parts[0].shape(), offset, arg_start, arg_sizes);
  VisitDType(in_dtype_, [&]<typename T>() {
    switch (op_) {
      case ReduceOp::kSum:
      case ReduceOp::kNanSum:
      case ReduceOp::kMean:
      case ReduceOp::kNanMean: {
        int64_t* count = op_ == ReduceOp::kNanMean ? state.parts[1].data<int64_t>() : nullptr;
        const bool skip_nan = op_ == ReduceOp::kNanSum || op_ == ReduceOp::kNanMean;
        VisitDType(state.parts[0].dtype(), [&]<typename A>() {
          if constexpr (std::is_same_v<A, bool> || (std::is_integral_v<A> && sizeof(A) != 8)) {
            return;  // sum states are 64-bit or float
          } else {
            AccumulateSum<T, A>(tile, L, skip_nan, state.parts[0].data<A>(), count);
          }
        });
        break;
      }
      case ReduceOp::kMax: AccumulateMinMax<T, true>(tile, L, state.parts[0].data<T>()); break;
      case ReduceOp::kMin: AccumulateMinMax<T, false>(tile, L, state.parts[0].data<T>()); break;
      case ReduceOp::kArgMax:
        AccumulateArg<T, true>(tile, L, state.parts[0].data<T>(), state.parts[1].data<int64_t>());
        break;
      case ReduceOp::kArgMin:
        AccumulateArg<T, false>(tile, L, state.parts[0].data<T>(), state.parts[1].data<int64_t>());
        break;
      case ReduceOp::kVar:
      case ReduceOp::kStd: break;
    }
  });
}

void Reducer::Merge(ReduceState& into, const ReduceState& from) const {
  const Index n = into.parts[0].size();
  switch (op_) {
    case ReduceOp::kSum:
    case ReduceOp::kNanSum:
    case ReduceOp::kMean:
    case ReduceOp::kNanMean:
      VisitDType(into.parts[0].dtype(), [&]<typename A>() {
        A* a = into.parts[0].data<A>();
        const A* b = from.parts[0].data<A>();
        if constexpr (std::is_integral_v<A>) {
          for (Index i = 0; i < n; ++i)
            a[i] = static_cast<A>(static_cast<uint64_t>(a[i]) + static_cast<uint64_t>(b[i]));
        } else {
          for (Index i = 0; i < n; ++i) a[i] += b[i];
        }
      });
      if (op_ == ReduceOp::kNanMean) {
        int64_t* a = into.parts[1].data<int64_t>();
        const int64_t* b = from.parts[1].data<int64_t>();
        for (Index i = 0; i < n; ++i) a[i] += b[i];
      }
      break;
    case ReduceOp::kMax:
    case ReduceOp::kMin:
      VisitDType(in_dtype_, [&]<typename T>() {
        T* a = into.parts[0].data<T>();
        const T* b = from.parts[0].data<T>();
        const bool mx = op_ == ReduceOp::kMax;
        for (Index i = 0; i < n; ++i) {
          if (IsNan(a[i])) continue;
          if (IsNan(b[i]) || (mx ? b[i] > a[i] : b[i] < a[i])) a[i] = b[i];
        }
      });
      break;
    case ReduceOp::kArgMax:
    case ReduceOp::kArgMin:
      VisitDType(in_dtype_, [&]<typename T>() {
        T* a = into.parts[0].data<T>();
        const T* b = from.parts[0].data<T>();
        int64_t* ia = into.parts[1].data<int64_t>();
        const int64_t* ib = from.parts[1].data<int64_t>();
        for (Index i = 0; i < n; ++i) {
          if (ib[i] < 0) continue;
          const bool better = op_ == ReduceOp::kArgMax ? ArgBetter<true>(b[i], ib[i], a[i], ia[i])
                                                       : ArgBetter<false>(b[i], ib[i], a[i], ia[i]);
          if (better) {
            a[i] = b[i];
            ia[i] = ib[i];
          }
        }
      });
      break;
    case ReduceOp::kVar:
    case ReduceOp::kStd: {
      double* ma = into.parts[0].data<double>();
      double* m2a = into.parts[1].data<double>();
      double* na = into.parts[2].data<double>();
      const double* mb = from.parts[0].data<double>();
      const double* m2b = from.parts[1].data<double>();
      const double* nb = from.parts[2].data<double>();
      for (Index i = 0; i < n; ++i) MergeMoments(na[i], ma[i], m2a[i], nb[i], mb[i], m2b[i]);
      break;
    }
  }
}

NdArray Reducer::Finalize(ReduceState state, Index total_count) const {
  const DType out = out_dtype();
  switch (op_) {
    case ReduceOp::kSum:
    case ReduceOp::kNanSum:
    case ReduceOp::kMax:
    case ReduceOp::kMin: return std::move(state.parts[0]);
    case ReduceOp::kArgMax:
    case ReduceOp::kArgMin: return std::move(state.parts[1]);
    case ReduceOp::kMean:
      VisitDType(out, [&]<typename A>() {
        if constexpr (std::is_floating_point_v<A>) {
          A* a = state.parts[0].data<A>();
          const A n = static_cast<A>(total_count);
          for (Index i = 0; i < state.parts[0].size(); ++i) a[i] = a[i] / n;
        }
      });
      return std::move(state.parts[0]);
    case ReduceOp::kNanMean:
      VisitDType(out, [&]<typename A>() {
        if constexpr (std::is_floating_point_v<A>) {
          A* a = state.parts[0].data<A>();
          const int64_t* c = state.parts[1].data<int64_t>();
          for (Index i = 0; i < state.parts[0].size(); ++i) a[i] = a[i] / static_cast<A>(c[i]);
        }
      });
      return std::move(state.parts[0]);
    case ReduceOp::kVar:
    case ReduceOp::kStd: {
      NdArray res = NdArray::Empty(out, state.parts[0].shape());
      const double* m2 = state.parts[1].data<double>();
      const double* n = state.parts[2].data<double>();
      const bool take_sqrt = op_ == ReduceOp::kStd;
      VisitDType(out, [&]<typename A>() {
        if constexpr (std::is_floating_point_v<A>) {
          A* r = res.data<A>();
          for (Index i = 0; i < res.size(); ++i) {
            const double denom = std::max(n[i] - ddof_, 0.0);
            double v = (n[i] == 0 ? std::nan("") : m2[i] / denom);
            if (take_sqrt) v = std::sqrt(v);
            r[i] = static_cast<A>(v);
          }
        }
      });
      return res;
    }
  }
  return std::move(state.parts[0]);
}

}  // namespace hyperchunk::internal
