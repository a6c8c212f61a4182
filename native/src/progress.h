// Progress by media timestamp. Operations call update() freely (once per packet); the
// throttle keeps the JS side at a few events per second however fast the work runs.
#pragma once

#include <chrono>
#include <cmath>

namespace dubarr {

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  // `total` is NaN when the operation cannot know its length.
  virtual void emit(double seconds, double total) = 0;
  // The last event of a successful operation; a sink may hold it back to deliver it in order
  // with the result (see ThreadSafeProgressSink).
  virtual void finish(double seconds, double total) { emit(seconds, total); }
};

class Progress {
 public:
  explicit Progress(ProgressSink* sink) : sink_(sink) {}

  void set_total(double seconds) { total_ = seconds; }

  void update(double seconds) {
    if (!sink_ || !std::isfinite(seconds)) return;
    auto now = std::chrono::steady_clock::now();
    if (emitted_ && now - last_ < kInterval) return;
    emitted_ = true;
    last_ = now;
    sink_->emit(seconds, total_);
  }

  // The final position is always reported so a listener sees the operation reach its end.
  void done(double seconds) {
    if (!sink_ || !std::isfinite(seconds)) return;
    sink_->finish(seconds, total_);
  }

 private:
  static constexpr std::chrono::milliseconds kInterval{200};
  ProgressSink* sink_;
  double total_ = NAN;
  bool emitted_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace dubarr
