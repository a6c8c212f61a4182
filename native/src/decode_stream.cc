#include "decode_stream.h"

#include <cmath>
#include <functional>
#include <vector>

#include "audio_args.h"

namespace dubarr {
namespace {

struct Chunk {
  std::vector<uint8_t> data;
  int samples = 0;
  double time = 0;
};

void open_source(StreamState& s) {
  if (s.closed) fail(ErrorCode::InvalidArgument, "the audio stream is closed");
  if (!s.source) s.source = std::make_unique<AudioSource>(s.spec, s.cancel.token());
  if (av_sample_fmt_is_planar(s.source->info().sample_format)) fail(ErrorCode::Internal, "streams deliver interleaved samples only");
}

Chunk read_chunk(StreamState& s) {
  open_source(s);
  AudioSource& src = *s.source;
  const int chunk = std::max(1, static_cast<int>(std::lround(s.chunk_seconds * src.info().sample_rate)));
  Chunk c;
  c.time = src.position();
  c.data.resize(static_cast<size_t>(chunk) * src.bytes_per_sample_frame());
  uint8_t* planes[1] = {c.data.data()};
  c.samples = src.read(planes, chunk);
  c.data.resize(static_cast<size_t>(c.samples) * src.bytes_per_sample_frame());
  return c;
}

Napi::Value chunk_to_js(Napi::Env env, Chunk& c) {
  if (c.samples == 0) return env.Null();
  // Copied into memory V8 allocates and accounts for: an external buffer's size is invisible
  // to the garbage collector, so dropped chunks would pile up before it felt any pressure.
  Napi::Buffer<uint8_t> buf = Napi::Buffer<uint8_t>::Copy(env, c.data.data(), c.data.size());
  Napi::Object o = Napi::Object::New(env);
  o.Set("data", buf);
  o.Set("samples", c.samples);
  o.Set("time", c.time);
  return o;
}

// One step (open or read) on the libuv pool against the shared state.
template <class R>
class StreamTask final : public Napi::AsyncWorker {
 public:
  using Work = std::function<R(StreamState&)>;
  using ToJs = std::function<Napi::Value(Napi::Env, R&)>;

  StreamTask(Napi::Env env, std::shared_ptr<StreamState> state, Work work, ToJs to_js)
      : Napi::AsyncWorker(env, "dubarr:AudioStream"),
        deferred_(Napi::Promise::Deferred::New(env)),
        state_(std::move(state)),
        work_(std::move(work)),
        to_js_(std::move(to_js)) {}

  Napi::Promise promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    StreamState& s = *state_;
    outcome_.emplace(guarded(s.cancel.token(), [&] { return work_(s); }));
  }

  void OnOK() override {
    state_->busy = false;
    Napi::Env env = Env();
    if (auto* failure = std::get_if<NativeFailure>(&*outcome_)) {
      state_->source.reset();  // a failed decoder is not resumable; free it now
      deferred_.Reject(make_js_error(env, *failure).Value());
      return;
    }
    if (state_->closed) state_->source.reset();
    deferred_.Resolve(to_js_(env, std::get<0>(*outcome_)));
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<StreamState> state_;
  Work work_;
  ToJs to_js_;
  std::optional<Outcome<R>> outcome_;
};

}  // namespace

Napi::Function AudioStreamWrap::Define(Napi::Env env) {
  return DefineClass(env, "AudioStream",
                     {
                         InstanceMethod<&AudioStreamWrap::Open>("open"),
                         InstanceMethod<&AudioStreamWrap::OpenSync>("openSync"),
                         InstanceMethod<&AudioStreamWrap::Read>("read"),
                         InstanceMethod<&AudioStreamWrap::ReadSync>("readSync"),
                         InstanceMethod<&AudioStreamWrap::Close>("close"),
                     });
}

AudioStreamWrap::AudioStreamWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<AudioStreamWrap>(info) {
  Napi::Object args = args_object(info);
  state_ = std::make_shared<StreamState>(parse_source_spec(args.Get("source").As<Napi::Object>()),
                                         opt_double(args, "chunkSeconds", 1.0), info[1]);
}

void AudioStreamWrap::claim(Napi::Env env) {
  if (state_->busy) throw Napi::Error::New(env, "dubarr_native: AudioStream calls must not overlap");
  state_->busy = true;
}

Napi::Value AudioStreamWrap::Open(const Napi::CallbackInfo& info) {
  claim(info.Env());
  auto* task = new StreamTask<AudioSourceInfo>(
      info.Env(), state_,
      [](StreamState& s) {
        open_source(s);
        return s.source->info();
      },
      [](Napi::Env env, AudioSourceInfo& i) -> Napi::Value { return source_info_to_js(env, i); });
  Napi::Promise p = task->promise();
  task->Queue();
  return p;
}

Napi::Value AudioStreamWrap::Read(const Napi::CallbackInfo& info) {
  claim(info.Env());
  auto* task = new StreamTask<Chunk>(info.Env(), state_, read_chunk, chunk_to_js);
  Napi::Promise p = task->promise();
  task->Queue();
  return p;
}

Napi::Value AudioStreamWrap::OpenSync(const Napi::CallbackInfo& info) {
  claim(info.Env());
  auto outcome = guarded(state_->cancel.token(), [&] {
    open_source(*state_);
    return state_->source->info();
  });
  state_->busy = false;
  if (auto* failure = std::get_if<NativeFailure>(&outcome)) {
    state_->source.reset();
    throw make_js_error(info.Env(), *failure);
  }
  return source_info_to_js(info.Env(), std::get<0>(outcome));
}

Napi::Value AudioStreamWrap::ReadSync(const Napi::CallbackInfo& info) {
  claim(info.Env());
  auto outcome = guarded(state_->cancel.token(), [&] { return read_chunk(*state_); });
  state_->busy = false;
  if (auto* failure = std::get_if<NativeFailure>(&outcome)) {
    state_->source.reset();
    throw make_js_error(info.Env(), *failure);
  }
  return chunk_to_js(info.Env(), std::get<0>(outcome));
}

Napi::Value AudioStreamWrap::Close(const Napi::CallbackInfo& info) {
  state_->closed = true;
  if (!state_->busy) state_->source.reset();
  return info.Env().Undefined();
}

}  // namespace dubarr
