// Cancellation shared with JavaScript: Int32Array views over SharedArrayBuffers that another
// thread sets with Atomics.store. Polled between packets and, through AVIOInterruptCB,
// inside blocking libav I/O, because stopping a worker thread does not stop native code.
#pragma once

#include <cstdint>
#include <vector>

#include "ffmpeg.h"

namespace dubarr {

class CancelToken {
 public:
  CancelToken() = default;
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;

  // The flag memory must outlive the token; js_bridge keeps the JS arrays referenced.
  void watch(const int32_t* flag) { flags_.push_back(flag); }
  bool cancelled() const;
  // Fails with E_CANCELLED when any flag is set.
  void throw_if_cancelled() const;
  // Hands libav a callback bound to this token; the token must not move afterwards.
  AVIOInterruptCB interrupt_callback() const;

 private:
  std::vector<const int32_t*> flags_;
};

}  // namespace dubarr
