// encodeAudio: an audio file (or headerless PCM) re-encoded as AAC, Opus, FLAC or WAV.
#pragma once

#include "audio_source.h"
#include "audio_writer.h"
#include "js_bridge.h"

namespace dubarr {

// What an operation that writes one encoded audio file returns (encodeAudio, runFilterGraph).
struct EncodedFile {
  std::string path;
  std::string codec;
  AudioFormat format;
  int64_t samples = 0;

  static EncodedFile of(const std::string& path, const AudioWriter& writer);
  Napi::Value to_js(Napi::Env env) const;
};

struct EncodeAudioOp {
  static constexpr const char* kName = "dubarr:encodeAudio";
  struct Args {
    AudioSourceSpec source;
    std::string out;
    AudioEncodeSpec encode;
  };
  using Result = EncodedFile;
  static Args parse(Napi::Env env, const Napi::Object& o);
  static Result run(const Args& args, OpContext& ctx);
  static Napi::Value to_js(Napi::Env env, Result& r) { return r.to_js(env); }
};

// Copies every sample of `source` into `writer`, reporting progress. Shared with decodeToWav.
void pump(AudioSource& source, AudioWriter& writer, OpContext& ctx);

}  // namespace dubarr
