#include "hyperchunk/roi/interactive.h"

namespace hyperchunk {

Result<std::shared_ptr<Interactive>> Interactive::Create(Function f) {
  if (!f) return InvalidArgument("interactive: no function given");
  std::shared_ptr<Interactive> me(new Interactive(std::move(f)));
  HC_RETURN_IF_ERROR(me->Recompute());
  return me;
}

Status Interactive::Recompute() {
  Result<Signal> next = f_();
  Status st = next.status();
  if (st.ok()) st = next->Compute();
  {
    std::lock_guard lock(mu_);
    last_status_ = st;
    if (!st.ok()) return st;
    out_ = *next;
    ++computations_;
  }
  data_changed_.Trigger(*next);
  return Status::Ok();
}

Signal Interactive::out() const {
  std::lock_guard lock(mu_);
  return out_;
}

Status Interactive::last_status() const {
  std::lock_guard lock(mu_);
  return last_status_;
}

int Interactive::computations() const {
  std::lock_guard lock(mu_);
  return computations_;
}

Result<std::shared_ptr<Interactive>> InteractiveRoi(const std::shared_ptr<Roi>& roi, const Signal& s,
                                                    std::function<Result<Signal>(const Signal&)> then,
                                                    std::vector<AxisRef> axes) {
  if (!roi) return InvalidArgument("interactive ROI: no ROI given");
  std::weak_ptr<Roi> weak = roi;
  auto f = [weak, s, then = std::move(then), axes = std::move(axes)]() -> Result<Signal> {
    auto r = weak.lock();
    if (!r) return InvalidArgument("interactive ROI: the ROI no longer exists");
    HC_ASSIGN_OR_RETURN(Signal cut, r->Apply(s, axes));
    if (!then) return cut;
    return then(cut);
  };
  HC_ASSIGN_OR_RETURN(std::shared_ptr<Interactive> out, Interactive::Create(std::move(f)));
  out->RecomputeOn(roi->changed());
  return out;
}

}  // namespace hyperchunk
