// clipVideo: a stretch of a file's video alone, as an MP4 a browser plays: the H.264 stream
// copied from the keyframe at or before the start (fast, untouched), or decoded, scaled and
// encoded to H.264 when the source is not 8-bit 4:2:0 H.264 (MPEG-2, HEVC, VP9, 10-bit ...).
#pragma once

#include <string>

#include "js_bridge.h"

namespace dubarr {

struct ClipVideoOp {
  static constexpr const char* kName = "dubarr:clipVideo";
  struct Args {
    std::string source;
    std::string out;
    int stream_index = -1;
    double start = 0;
    double duration = 0;
    std::string mode;  // "auto" | "copy" | "encode"
    int max_width = 0;
    int crf = 0;
  };
  struct Result {
    std::string path;
    double start = 0;  // where the clip really starts on the source's timeline (a keyframe when copied)
    double duration = 0;
    bool copied = false;
    std::string codec;
    int width = 0;
    int height = 0;
    int frames = 0;
  };
  static Args parse(Napi::Env env, const Napi::Object& o);
  static Result run(const Args& args, OpContext& ctx);
  static Napi::Value to_js(Napi::Env env, Result& r);
};

}  // namespace dubarr
