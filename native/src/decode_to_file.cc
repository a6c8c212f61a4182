#include "decode_to_file.h"

#include "audio_args.h"
#include "audio_writer.h"
#include "encode_audio.h"

namespace dubarr {

DecodeToFileOp::Args DecodeToFileOp::parse(Napi::Env, const Napi::Object& o) {
  return Args{parse_source_spec(o.Get("source").As<Napi::Object>()), req_string(o, "out")};
}

DecodeToFileOp::Result DecodeToFileOp::run(const Args& args, OpContext& ctx) {
  AudioSource source(args.source, ctx.cancel);
  const AudioSourceInfo& info = source.info();

  AudioEncodeSpec wav;
  wav.encoder = info.sample_format == AV_SAMPLE_FMT_FLT ? "pcm_f32le" : "pcm_s16le";
  wav.muxer = "wav";
  AudioWriter writer(args.out, wav, AudioFormat{info.sample_rate, info.layout, info.sample_format}, ctx.cancel);

  pump(source, writer, ctx);
  return Result{info, source.samples_read(), source.decode_errors()};
}

Napi::Value DecodeToFileOp::to_js(Napi::Env env, Result& r) {
  Napi::Object o = source_info_to_js(env, r.info);
  o.Set("samples", Napi::Number::New(env, static_cast<double>(r.samples)));
  o.Set("decodeErrors", Napi::Number::New(env, static_cast<double>(r.decode_errors)));
  return o;
}

}  // namespace dubarr
