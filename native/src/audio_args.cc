#include "audio_args.h"

#include "js_bridge.h"

namespace dubarr {

AudioSourceSpec parse_source_spec(const Napi::Object& o) {
  AudioSourceSpec spec;
  spec.path = req_string(o, "path");
  spec.stream_index = static_cast<int>(opt_int(o, "streamIndex", -1));
  Napi::Value langs = o.Get("languages");
  if (langs.IsArray()) {
    Napi::Array a = langs.As<Napi::Array>();
    for (uint32_t i = 0; i < a.Length(); i++) {
      Napi::Value v = a.Get(i);
      if (v.IsString()) spec.languages.push_back(v.As<Napi::String>().Utf8Value());
    }
  }
  spec.sample_rate = static_cast<int>(opt_int(o, "sampleRate", 0));
  const std::string mode = opt_string(o, "channelMode").value_or("original");
  if (mode == "mono") spec.channel_mode = ChannelMode::Mono;
  else if (mode == "center") spec.channel_mode = ChannelMode::Center;
  else if (mode == "count") spec.channel_mode = ChannelMode::Count;
  else spec.channel_mode = ChannelMode::Original;
  spec.channels = static_cast<int>(opt_int(o, "channels", 0));
  const std::string format = opt_string(o, "sampleFormat").value_or("native");
  if (format != "native") spec.sample_format = packed_format(format);

  Napi::Value raw = o.Get("raw");
  if (raw.IsObject()) {
    // Headerless PCM: libav's raw demuxers need the format spelled out.
    Napi::Object r = raw.As<Napi::Object>();
    const std::string f = req_string(r, "sampleFormat");
    spec.input.format = f == "f32" ? "f32le" : "s16le";
    spec.input.demuxer_options.emplace_back("sample_rate", std::to_string(opt_int(r, "sampleRate", 48000)));
    spec.raw_channels = static_cast<int>(opt_int(r, "channels", 0));
    spec.raw_layout = opt_string(r, "layout").value_or("");
  }
  return spec;
}

AudioEncodeSpec parse_encode_spec(const Napi::Object& o) {
  AudioEncodeSpec spec;
  spec.encoder = req_string(o, "encoder");
  spec.muxer = req_string(o, "muxer");
  spec.bitrate = opt_int(o, "bitrate", 0);
  spec.sample_rate = static_cast<int>(opt_int(o, "sampleRate", 0));
  spec.channels = static_cast<int>(opt_int(o, "channels", 0));
  spec.layout = opt_string(o, "layout").value_or("");
  spec.aac_coder = opt_string(o, "aacCoder").value_or("");
  return spec;
}

Napi::Object written_audio_to_js(Napi::Env env, const std::string& path, const AudioWriter& writer) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("path", path);
  o.Set("codec", writer.codec_name());
  o.Set("sampleRate", writer.output_format().sample_rate);
  o.Set("channels", writer.output_format().layout.channels());
  o.Set("channelLayout", writer.output_format().layout.describe());
  o.Set("samples", Napi::Number::New(env, static_cast<double>(writer.samples_written())));
  return o;
}

const char* sample_format_name(AVSampleFormat format) {
  if (format == AV_SAMPLE_FMT_S16) return "s16";
  if (format == AV_SAMPLE_FMT_FLT) return "f32";
  const char* name = av_get_sample_fmt_name(format);
  return name ? name : "unknown";
}

Napi::Object source_info_to_js(Napi::Env env, const AudioSourceInfo& info) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("streamIndex", info.stream_index);
  o.Set("codec", info.codec);
  o.Set("sampleRate", info.sample_rate);
  o.Set("channels", info.layout.channels());
  o.Set("channelLayout", info.layout.describe());
  o.Set("sampleFormat", sample_format_name(info.sample_format));
  o.Set("sourceSampleRate", info.source_sample_rate);
  o.Set("sourceChannelLayout", info.source_layout);
  o.Set("timelineStart", info.timeline_start);
  o.Set("streamStart", info.stream_start);
  o.Set("duration", js_number_or_null(env, info.duration));
  o.Set("centerExtracted", info.center_extracted);
  return o;
}

}  // namespace dubarr
