// extractSubtitle: one embedded subtitle stream written out as an .srt or .ass file, with
// times on the video's timeline.
#pragma once

#include "js_bridge.h"

namespace dubarr {

struct ExtractSubtitleOp {
  static constexpr const char* kName = "dubarr:extractSubtitle";
  struct Args {
    std::string path;
    int stream_index = 0;
    std::string out;
    std::string format;  // "srt" | "ass"
  };
  struct Result {
    std::string path;
    int64_t events = 0;
  };
  static Args parse(Napi::Env env, const Napi::Object& o);
  static Result run(const Args& args, OpContext& ctx);
  static Napi::Value to_js(Napi::Env env, Result& r);
};

}  // namespace dubarr
