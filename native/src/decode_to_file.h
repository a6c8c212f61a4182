// decodeToWav: one audio stream, decoded and converted, written as a WAV file.
#pragma once

#include "audio_source.h"
#include "js_bridge.h"

namespace dubarr {

struct DecodeToFileOp {
  static constexpr const char* kName = "dubarr:decodeToWav";
  struct Args {
    AudioSourceSpec source;
    std::string out;
  };
  struct Result {
    AudioSourceInfo info;
    int64_t samples = 0;
    int64_t decode_errors = 0;
  };
  static Args parse(Napi::Env env, const Napi::Object& o);
  static Result run(const Args& args, OpContext& ctx);
  static Napi::Value to_js(Napi::Env env, Result& r);
};

}  // namespace dubarr
