// Outputs that recompute when something changes: HyperSpy's hs.interactive and roi.interactive
// (reference §7.3). One API for C++ code and for the viewer.
//
//   auto roi = std::make_shared<RectangularRoi>(*RectangularRoi::Create(100, 100, 110, 110));
//   auto spectrum = InteractiveRoi(roi, s, [](const Signal& cut) { return cut.Sum(); }).value();
//   spectrum->out();            // the summed spectrum, computed
//   roi->MoveTo(101, 100);      // recomputes; spectrum->data_changed() fires
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include "hyperchunk/core/events.h"
#include "hyperchunk/roi/roi.h"
#include "hyperchunk/signal/signal.h"

namespace hyperchunk {

/// A computed signal kept up to date: `Recompute()` calls the function again, computes its result
/// (in memory) and replaces `out()`, then fires `data_changed()`. Connect it to events with
/// `RecomputeOn`. Thread-safe; a recompute runs on the thread that triggers it.
class Interactive : public std::enable_shared_from_this<Interactive> {
 public:
  using Function = std::function<Result<Signal>()>;

  /// Calls `f` once and computes its result (HyperSpy's hs.interactive creating `out`).
  static Result<std::shared_ptr<Interactive>> Create(Function f);

  /// Recomputes whenever `event` fires. The connection holds only a weak reference: once this
  /// object is gone, the event's callback does nothing.
  template <typename... Args>
  void RecomputeOn(Event<Args...>& event) {
    std::weak_ptr<Interactive> self = weak_from_this();
    event.Connect([self](Args...) {
      if (auto me = self.lock()) (void)me->Recompute();
    });
  }

  /// The latest result (in memory).
  Signal out() const;
  /// Fires with the new result after every successful recompute.
  Event<const Signal&>& data_changed() { return data_changed_; }
  /// Calls the function again. On failure `out()` keeps the previous result and the error is
  /// returned (and kept in last_status()).
  Status Recompute();
  Status last_status() const;
  /// How many times the result was computed (1 after Create).
  int computations() const;

 private:
  explicit Interactive(Function f) : f_(std::move(f)) {}
  Function f_;
  mutable std::mutex mu_;
  Signal out_;
  Status last_status_;
  int computations_ = 0;
  Event<const Signal&> data_changed_;
};

/// `roi.interactive(s)` followed by `then` (e.g. a sum): an output recomputed whenever the ROI
/// changes. `then` may be empty (the cut itself). `axes` as Roi::Apply.
Result<std::shared_ptr<Interactive>> InteractiveRoi(const std::shared_ptr<Roi>& roi, const Signal& s,
                                                    std::function<Result<Signal>(const Signal&)> then = {},
                                                    std::vector<AxisRef> axes = {});

}  // namespace hyperchunk
