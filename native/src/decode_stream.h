// AudioStream: the JS-facing object behind openAudioStream. Each read() decodes one chunk
// on the libuv pool and nothing more, so JS consuming slowly means native decoding waits:
// memory stays at one chunk in flight however long the input.
#pragma once

#include <napi.h>

#include <memory>

#include "audio_source.h"
#include "js_bridge.h"

namespace dubarr {

// Shared by the JS object and whichever read is in flight, so neither outlives the other's
// data. Touched by one thread at a time: `busy` is set on the JS thread before queueing.
struct StreamState {
  StreamState(AudioSourceSpec s, double seconds, const Napi::Value& flags) : spec(std::move(s)), chunk_seconds(seconds), cancel(flags) {}
  AudioSourceSpec spec;
  double chunk_seconds;
  JsCancel cancel;
  std::unique_ptr<AudioSource> source;
  bool busy = false;
  bool closed = false;
};

class AudioStreamWrap : public Napi::ObjectWrap<AudioStreamWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit AudioStreamWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value Open(const Napi::CallbackInfo& info);
  Napi::Value OpenSync(const Napi::CallbackInfo& info);
  Napi::Value Read(const Napi::CallbackInfo& info);
  Napi::Value ReadSync(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  void claim(Napi::Env env);

  std::shared_ptr<StreamState> state_;
};

}  // namespace dubarr
