// thumbnail: one video frame, at (or just after) a time, scaled to a width, as RGB pixels.
// Encoding it (JPEG, PNG) is left to the caller: sharp does that better than libav's MJPEG.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "js_bridge.h"

namespace dubarr {

struct ThumbnailOp {
  static constexpr const char* kName = "dubarr:thumbnail";
  struct Args {
    std::string path;
    int stream_index = -1;
    double time = 0;
    int width = 0;  // 0: the display width of the video
  };
  struct Result {
    std::vector<uint8_t> rgb;  // packed RGB24, rows top to bottom, no padding
    int width = 0;
    int height = 0;
    double time = 0;  // the frame's time on the timeline
    int stream_index = 0;
  };
  static Args parse(Napi::Env env, const Napi::Object& o);
  static Result run(const Args& args, OpContext& ctx);
  static Napi::Value to_js(Napi::Env env, Result& r);
};

}  // namespace dubarr
