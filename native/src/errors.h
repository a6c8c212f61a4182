// Coded failures raised by the operations. They are plain C++ exceptions so the same code
// runs on a libuv worker (where N-API is off limits) and on the JS thread; js_bridge turns
// them into JS errors with `code`, `averror` and the AVERROR text.
#pragma once

#include <exception>
#include <string>

namespace dubarr {

enum class ErrorCode {
  MediaUnreadable,
  NoAudioStream,
  NoVideoStream,
  UnsupportedCodec,
  OutputWrite,
  Cancelled,
  InvalidArgument,
  Internal,
};

const char* code_name(ErrorCode code);

class NativeFailure : public std::exception {
 public:
  NativeFailure(ErrorCode code, std::string message, int averror = 0)
      : code_(code), message_(std::move(message)), averror_(averror) {}
  const char* what() const noexcept override { return message_.c_str(); }
  ErrorCode code() const { return code_; }
  int averror() const { return averror_; }

 private:
  ErrorCode code_;
  std::string message_;
  int averror_;
};

// "Invalid data found when processing input" for an AVERROR value.
std::string av_error_text(int averror);

// Throws a NativeFailure whose message is `what`, then the AVERROR text, then the last
// error libav logged on this thread (often the only place the real reason is named).
[[noreturn]] void fail(ErrorCode code, const std::string& what, int averror = 0);

// Returns `ret` when it is not an error, otherwise fails with `code`.
inline int check(int ret, ErrorCode code, const std::string& what) {
  if (ret < 0) fail(code, what, ret);
  return ret;
}

// Routes libav logging into a per-thread "last error" slot instead of stderr, so a server
// log is not flooded by demuxer chatter while failures still carry the reason.
void install_log_capture();
void set_log_echo_level(int av_log_level);
void clear_last_log();

}  // namespace dubarr
