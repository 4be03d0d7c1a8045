// Events: callbacks connected to something that changes (an ROI moved, a signal's data replaced),
// as HyperSpy's `events` (reference §7.3). Used by C++ code and by the viewer alike.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace hyperchunk {

/// An event carrying `Args` to its callbacks. Connecting, disconnecting and triggering are
/// thread-safe; callbacks run on the triggering thread, in connection order, and may connect or
/// disconnect (the change applies from the next trigger).
template <typename... Args>
class Event {
 public:
  using Callback = std::function<void(Args...)>;
  using Id = uint64_t;

  Event() = default;
  /// Copies start without connections: a copied ROI or signal is a new object nobody listens to.
  Event(const Event&) {}
  Event& operator=(const Event&) { return *this; }

  /// Calls `callback` on every trigger until Disconnect(id).
  Id Connect(Callback callback) {
    std::lock_guard lock(mu_);
    const Id id = ++last_id_;
    callbacks_.emplace_back(id, std::make_shared<Callback>(std::move(callback)));
    return id;
  }
  /// False when `id` was not connected.
  bool Disconnect(Id id) {
    std::lock_guard lock(mu_);
    for (auto it = callbacks_.begin(); it != callbacks_.end(); ++it) {
      if (it->first == id) {
        callbacks_.erase(it);
        return true;
      }
    }
    return false;
  }
  size_t connected() const {
    std::lock_guard lock(mu_);
    return callbacks_.size();
  }
  /// Calls every connected callback with `args`.
  void Trigger(Args... args) const {
    std::vector<std::shared_ptr<Callback>> now;
    {
      std::lock_guard lock(mu_);
      for (const auto& [id, cb] : callbacks_) now.push_back(cb);
    }
    for (const auto& cb : now) (*cb)(args...);
  }

 private:
  mutable std::mutex mu_;
  Id last_id_ = 0;
  std::vector<std::pair<Id, std::shared_ptr<Callback>>> callbacks_;
};

}  // namespace hyperchunk
