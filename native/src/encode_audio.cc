#include "encode_audio.h"

#include "audio_args.h"

namespace dubarr {
namespace {

constexpr int kChunkSamples = 16384;

}  // namespace

void pump(AudioSource& source, AudioWriter& writer, OpContext& ctx) {
  const AudioSourceInfo& info = source.info();
  ctx.progress.set_total(info.duration);
  SampleBuffer buffer;
  buffer.reserve(kChunkSamples, info.layout.channels(), info.sample_format);
  for (;;) {
    const int n = source.read(buffer.planes(), kChunkSamples);
    if (n == 0) break;
    writer.write(buffer.planes(), n);
    ctx.progress.update(source.position());
  }
  writer.finish();
  ctx.progress.done(source.position());
}

EncodeAudioOp::Args EncodeAudioOp::parse(Napi::Env, const Napi::Object& o) {
  return Args{parse_source_spec(o.Get("source").As<Napi::Object>()), req_string(o, "out"),
              parse_encode_spec(o.Get("encode").As<Napi::Object>())};
}

EncodeAudioOp::Result EncodeAudioOp::run(const Args& args, OpContext& ctx) {
  AudioSource source(args.source, ctx.cancel);
  const AudioSourceInfo& info = source.info();
  AudioWriter writer(args.out, args.encode, AudioFormat{info.sample_rate, info.layout, info.sample_format}, ctx.cancel);
  pump(source, writer, ctx);
  return EncodedFile::of(args.out, writer);
}

EncodedFile EncodedFile::of(const std::string& path, const AudioWriter& writer) {
  return EncodedFile{path, writer.codec_name(), writer.output_format(), writer.samples_written()};
}

Napi::Value EncodedFile::to_js(Napi::Env env) const {
  Napi::Object o = Napi::Object::New(env);
  o.Set("path", path);
  o.Set("codec", codec);
  o.Set("sampleRate", format.sample_rate);
  o.Set("channels", format.layout.channels());
  o.Set("channelLayout", format.layout.describe());
  o.Set("samples", Napi::Number::New(env, static_cast<double>(samples)));
  return o;
}

}  // namespace dubarr
