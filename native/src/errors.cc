#include "errors.h"

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <mutex>

#include "ffmpeg.h"

namespace dubarr {
namespace {

thread_local std::string last_log_line;
std::atomic<int> echo_level{AV_LOG_QUIET};
std::once_flag install_once;

void log_callback(void* avcl, int level, const char* fmt, va_list args) {
  if (level > AV_LOG_ERROR && level > echo_level.load(std::memory_order_relaxed)) return;
  char line[1024];
  int print_prefix = 1;
  va_list copy;
  va_copy(copy, args);
  av_log_format_line2(avcl, level, fmt, copy, line, sizeof line, &print_prefix);
  va_end(copy);
  if (level <= AV_LOG_ERROR) {
    last_log_line = line;
    while (!last_log_line.empty() && (last_log_line.back() == '\n' || last_log_line.back() == '\r')) last_log_line.pop_back();
  }
  if (level <= echo_level.load(std::memory_order_relaxed)) std::fputs(line, stderr);
}

}  // namespace

const char* code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::MediaUnreadable: return "E_MEDIA_UNREADABLE";
    case ErrorCode::NoAudioStream: return "E_NO_AUDIO_STREAM";
    case ErrorCode::NoVideoStream: return "E_NO_VIDEO_STREAM";
    case ErrorCode::UnsupportedCodec: return "E_UNSUPPORTED_CODEC";
    case ErrorCode::OutputWrite: return "E_OUTPUT_WRITE";
    case ErrorCode::Cancelled: return "E_CANCELLED";
    case ErrorCode::InvalidArgument: return "E_INVALID_ARGUMENT";
    case ErrorCode::Internal: return "E_INTERNAL";
  }
  return "E_INTERNAL";
}

std::string av_error_text(int averror) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(averror, buf, sizeof buf);
  return buf;
}

void fail(ErrorCode code, const std::string& what, int averror) {
  std::string message = what;
  if (averror < 0) message += ": " + av_error_text(averror);
  if (!last_log_line.empty()) {
    message += " (libav: " + last_log_line + ")";
    last_log_line.clear();
  }
  throw NativeFailure(code, message, averror);
}

void install_log_capture() {
  std::call_once(install_once, [] {
    av_log_set_level(AV_LOG_ERROR);
    av_log_set_callback(log_callback);
  });
}

void set_log_echo_level(int level) {
  echo_level.store(level, std::memory_order_relaxed);
  // The capture above needs at least error level to reach the callback.
  av_log_set_level(level > AV_LOG_ERROR ? level : AV_LOG_ERROR);
}

void clear_last_log() { last_log_line.clear(); }

}  // namespace dubarr
