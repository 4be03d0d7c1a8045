#include "hyperchunk/exec/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "hyperchunk/core/format.h"

namespace hyperchunk {
namespace internal {

namespace {
constexpr int kBarWidth = 40;  // dask's ProgressBar width
constexpr int kMinBarWidth = 10;
}  // namespace

std::string FormatProgressLine(const ProgressState& state, int max_columns) {
  double fraction = state.finished ? 1.0 : 0.0;
  if (state.total_tasks > 0) {
    fraction = std::clamp(static_cast<double>(state.done_tasks) / static_cast<double>(state.total_tasks), 0.0, 1.0);
  }
  const std::string percent = fmt::format(" | {:3d}%", static_cast<int>(100 * fraction));
  const std::string elapsed = fmt::format(" | {} elapsed", FormatDuration(state.elapsed_seconds));
  std::string rate;
  if (state.elapsed_seconds > 0 && state.done_bytes > 0) {
    const double per_second = static_cast<double>(state.done_bytes) / state.elapsed_seconds;
    rate = fmt::format(" | {}/s", FormatBytes(static_cast<int64_t>(per_second)));
  }
  std::string eta;
  if (!state.finished && fraction > 0 && fraction < 1) {
    eta = fmt::format(" | ETA {}", FormatDuration(state.elapsed_seconds * (1 - fraction) / fraction));
  }

  // Fit the terminal: a wrapped line would break the "\r" redraw.
  int bar_width = kBarWidth;
  if (max_columns > 0) {
    const auto length = [&] {
      return static_cast<int>(2 + percent.size() + elapsed.size() + rate.size() + eta.size()) + bar_width;
    };
    if (length() > max_columns) eta.clear();
    if (length() > max_columns) rate.clear();
    if (length() > max_columns) bar_width = std::max(kMinBarWidth, bar_width - (length() - max_columns));
  }
  const int filled = static_cast<int>(bar_width * fraction);
  return fmt::format("[{}{}]{}{}{}{}", std::string(filled, '#'), std::string(bar_width - filled, ' '), percent, elapsed,
                     rate, eta);
}

}  // namespace internal

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kShowAfter = std::chrono::milliseconds(500);
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);

/// Width of the terminal behind `stream`; 0 when unknown (not a terminal): no limit.
int TerminalColumns(FILE* stream) {
  winsize size{};
  if (ioctl(fileno(stream), TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 0;
}

class TerminalProgress final : public ProgressSink {
 public:
  TerminalProgress(FILE* stream, bool enabled) : stream_(stream), enabled_(enabled) {}
  ~TerminalProgress() override { Stop(/*draw_final=*/false); }
  TerminalProgress(const TerminalProgress&) = delete;
  TerminalProgress& operator=(const TerminalProgress&) = delete;

  void Start(const std::string& /*label*/, int64_t total_tasks, int64_t /*total_bytes*/) override {
    Stop(/*draw_final=*/false);  // a Start without Finish ends the previous bar
    if (!enabled_) return;
    {
      std::lock_guard lock(mutex_);
      state_ = internal::ProgressState{};
      state_.total_tasks = total_tasks;
      start_ = Clock::now();
      stop_ = false;
    }
    drawn_ = false;
    last_length_ = 0;
    thread_ = std::thread([this] { RedrawLoop(); });
  }

  void Update(int64_t done_tasks, int64_t done_bytes) override {
    if (!enabled_) return;
    std::lock_guard lock(mutex_);
    state_.done_tasks = done_tasks;
    state_.done_bytes = done_bytes;
  }

  void Finish(bool ok) override {
    if (ok) {
      std::lock_guard lock(mutex_);
      state_.done_tasks = std::max(state_.done_tasks, state_.total_tasks);
    }
    Stop(/*draw_final=*/true);
  }

 private:
  // The redraw thread: waits kShowAfter, then draws every kRedrawEvery until stopped.
  void RedrawLoop() {
    std::unique_lock lock(mutex_);
    if (wake_.wait_until(lock, start_ + kShowAfter, [this] { return stop_; })) return;
    while (true) {
      const internal::ProgressState state = Snapshot();
      lock.unlock();  // draw outside the lock: Update never waits for the terminal
      Draw(state);
      lock.lock();
      if (wake_.wait_for(lock, kRedrawEvery, [this] { return stop_; })) return;
    }
  }

  // Called with mutex_ held.
  internal::ProgressState Snapshot() const {
    internal::ProgressState state = state_;
    state.elapsed_seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    return state;
  }

  // Only one thread draws at a time: the redraw thread, or the caller after joining it.
  void Draw(const internal::ProgressState& state) {
    const std::string line = internal::FormatProgressLine(state, TerminalColumns(stream_) - 1);
    const size_t pad = last_length_ > line.size() ? last_length_ - line.size() : 0;
    std::fprintf(stream_, "\r%s%*s", line.c_str(), static_cast<int>(pad), "");
    std::fflush(stream_);
    last_length_ = line.size();
    drawn_ = true;
  }

  void Stop(bool draw_final) {
    if (!thread_.joinable()) return;
    internal::ProgressState state;
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
      state = Snapshot();
    }
    wake_.notify_all();
    thread_.join();
    if (!drawn_) return;  // the work ended before the bar showed: leave no trace
    state.finished = true;
    if (draw_final) Draw(state);
    std::fputc('\n', stream_);
    std::fflush(stream_);
  }

  FILE* const stream_;
  const bool enabled_;
  std::mutex mutex_;
  std::condition_variable wake_;
  internal::ProgressState state_;  // guarded by mutex_
  Clock::time_point start_;        // guarded by mutex_
  bool stop_ = false;              // guarded by mutex_
  std::thread thread_;
  bool drawn_ = false;      // written by the drawing thread; read after join
  size_t last_length_ = 0;  // idem
};

}  // namespace

std::shared_ptr<ProgressSink> MakeTerminalProgress(FILE* stream, bool force) {
  const bool enabled = stream != nullptr && (force || isatty(fileno(stream)) == 1);
  return std::make_shared<TerminalProgress>(stream, enabled);
}

}  // namespace hyperchunk
