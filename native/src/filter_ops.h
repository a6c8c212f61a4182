// runFilterGraph (inputs -> graph -> encoded file) and measureLoudness (EBU R128).
#pragma once

#include "audio_source.h"
#include "audio_writer.h"
#include "encode_audio.h"
#include "js_bridge.h"

namespace dubarr {

struct RunFilterGraphOp {
  static constexpr const char* kName = "dubarr:runFilterGraph";
  struct Args {
    std::vector<AudioSourceSpec> inputs;
    std::string graph;
    std::string out;
    AudioEncodeSpec encode;
  };
  using Result = EncodedFile;
  static Args parse(Napi::Env env, const Napi::Object& o);
  static Result run(const Args& args, OpContext& ctx);
  static Napi::Value to_js(Napi::Env env, Result& r) { return r.to_js(env); }
};

struct MeasureLoudnessOp {
  static constexpr const char* kName = "dubarr:measureLoudness";
  struct Args {
    AudioSourceSpec source;
    bool true_peak = true;     // false: no 192 kHz oversampling; the sample peak instead
  };
  struct Result {
    double integrated = NAN;   // LUFS
    double lra = NAN;          // LU
    double lra_low = NAN;      // LUFS
    double lra_high = NAN;     // LUFS
    double true_peak = NAN;    // dBTP, when measured
    double sample_peak = NAN;  // dBFS, when the true peak is not measured
  };
  static Args parse(Napi::Env env, const Napi::Object& o);
  static Result run(const Args& args, OpContext& ctx);
  static Napi::Value to_js(Napi::Env env, Result& r);
};

}  // namespace dubarr
