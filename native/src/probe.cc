#include "probe.h"

#include "input.h"

namespace dubarr {
namespace {

double seconds(int64_t ts, AVRational tb) { return ts == AV_NOPTS_VALUE ? NAN : static_cast<double>(ts) * av_q2d(tb); }

std::vector<std::string> disposition_names(int disposition) {
  std::vector<std::string> names;
  for (int bit = 0; bit < 31; bit++) {
    if (!(disposition & (1 << bit))) continue;
    if (const char* name = av_disposition_to_string(1 << bit)) names.emplace_back(name);
  }
  return names;
}

StreamProbe probe_stream(const AVStream* st) {
  const AVCodecParameters* par = st->codecpar;
  StreamProbe s;
  s.index = st->index;
  s.type = media_type_name(par->codec_type);
  const AVCodecDescriptor* desc = avcodec_descriptor_get(par->codec_id);
  s.codec = desc ? desc->name : "unknown";
  s.codec_long_name = desc && desc->long_name ? desc->long_name : "unknown";  // as ffprobe
  if (const char* profile = avcodec_profile_name(par->codec_id, par->profile)) s.profile = profile;
  s.tags = read_tags(st->metadata);
  s.dispositions = disposition_names(st->disposition);
  s.start_time = seconds(st->start_time, st->time_base);
  s.duration = seconds(st->duration, st->time_base);
  s.time_base = st->time_base;
  s.bit_rate = par->bit_rate;
  s.extradata_size = par->extradata_size;
  if (par->codec_type == AVMEDIA_TYPE_AUDIO) {
    s.channels = par->ch_layout.nb_channels;
    s.sample_rate = par->sample_rate;
    if (par->ch_layout.order != AV_CHANNEL_ORDER_UNSPEC) {
      char buf[128] = {0};
      if (av_channel_layout_describe(&par->ch_layout, buf, sizeof buf) >= 0) s.channel_layout = buf;
    }
    if (const char* f = av_get_sample_fmt_name(static_cast<AVSampleFormat>(par->format))) s.sample_format = f;
  } else if (par->codec_type == AVMEDIA_TYPE_VIDEO) {
    s.width = par->width;
    s.height = par->height;
    s.avg_frame_rate = st->avg_frame_rate;
    s.r_frame_rate = st->r_frame_rate;
    if (const char* f = av_get_pix_fmt_name(static_cast<AVPixelFormat>(par->format))) s.pixel_format = f;
  }
  return s;
}

Napi::Value rational(Napi::Env env, AVRational r) {
  if (r.den == 0 || r.num == 0) return env.Null();
  Napi::Array a = Napi::Array::New(env, 2);
  a.Set(0u, Napi::Number::New(env, r.num));
  a.Set(1u, Napi::Number::New(env, r.den));
  return a;
}

Napi::Value optional_string(Napi::Env env, const std::string& s) { return s.empty() ? env.Null() : Napi::String::New(env, s); }

Napi::Object stream_to_js(Napi::Env env, const StreamProbe& s) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("index", s.index);
  o.Set("type", s.type);
  o.Set("codec", s.codec);
  o.Set("codecLongName", s.codec_long_name);
  o.Set("profile", optional_string(env, s.profile));
  o.Set("tags", tags_to_js(env, s.tags));
  Napi::Array dispositions = Napi::Array::New(env, s.dispositions.size());
  for (size_t i = 0; i < s.dispositions.size(); i++) dispositions.Set(static_cast<uint32_t>(i), s.dispositions[i]);
  o.Set("dispositions", dispositions);
  o.Set("startTime", js_number_or_null(env, s.start_time));
  o.Set("duration", js_number_or_null(env, s.duration));
  o.Set("timeBase", rational(env, s.time_base));
  o.Set("bitRate", s.bit_rate > 0 ? Napi::Number::New(env, static_cast<double>(s.bit_rate)) : env.Null());
  o.Set("extradataSize", s.extradata_size);
  if (s.type == "audio") {
    o.Set("channels", s.channels);
    o.Set("sampleRate", s.sample_rate);
    o.Set("channelLayout", optional_string(env, s.channel_layout));
    o.Set("sampleFormat", optional_string(env, s.sample_format));
  } else if (s.type == "video") {
    o.Set("width", s.width);
    o.Set("height", s.height);
    o.Set("avgFrameRate", rational(env, s.avg_frame_rate));
    o.Set("rFrameRate", rational(env, s.r_frame_rate));
    o.Set("pixelFormat", optional_string(env, s.pixel_format));
  }
  return o;
}

}  // namespace

Tags read_tags(const AVDictionary* dict) {
  Tags tags;
  const AVDictionaryEntry* e = nullptr;
  while ((e = av_dict_get(dict, "", e, AV_DICT_IGNORE_SUFFIX))) tags.emplace_back(e->key, e->value);
  return tags;
}

Napi::Object tags_to_js(Napi::Env env, const Tags& tags) {
  Napi::Object o = Napi::Object::New(env);
  for (const auto& [k, v] : tags) o.Set(k, v);
  return o;
}

ProbeOp::Args ProbeOp::parse(Napi::Env, const Napi::Object& o) { return Args{req_string(o, "path")}; }

ProbeInfo ProbeOp::run(const Args& args, OpContext& ctx) {
  InputFormatPtr input = open_input(args.path, ctx.cancel);
  ProbeInfo info;
  info.format_name = input->iformat->name;
  info.format_long_name = input->iformat->long_name ? input->iformat->long_name : "";
  info.duration = seconds(input->duration, AV_TIME_BASE_Q);
  info.start_time = seconds(input->start_time, AV_TIME_BASE_Q);
  info.bit_rate = input->bit_rate;
  if (input->pb) info.size = avio_size(input->pb);
  info.tags = read_tags(input->metadata);
  for (unsigned i = 0; i < input->nb_streams; i++) info.streams.push_back(probe_stream(input->streams[i]));
  for (unsigned i = 0; i < input->nb_chapters; i++) {
    const AVChapter* c = input->chapters[i];
    info.chapters.push_back(ChapterProbe{c->id, seconds(c->start, c->time_base), seconds(c->end, c->time_base), read_tags(c->metadata)});
  }
  return info;
}

Napi::Value ProbeOp::to_js(Napi::Env env, ProbeInfo& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("formatName", r.format_name);
  o.Set("formatLongName", r.format_long_name);
  o.Set("duration", js_number_or_null(env, r.duration));
  o.Set("startTime", js_number_or_null(env, r.start_time));
  o.Set("bitRate", r.bit_rate > 0 ? Napi::Number::New(env, static_cast<double>(r.bit_rate)) : env.Null());
  o.Set("size", r.size >= 0 ? Napi::Number::New(env, static_cast<double>(r.size)) : env.Null());
  o.Set("tags", tags_to_js(env, r.tags));
  Napi::Array streams = Napi::Array::New(env, r.streams.size());
  for (size_t i = 0; i < r.streams.size(); i++) streams.Set(static_cast<uint32_t>(i), stream_to_js(env, r.streams[i]));
  o.Set("streams", streams);
  Napi::Array chapters = Napi::Array::New(env, r.chapters.size());
  for (size_t i = 0; i < r.chapters.size(); i++) {
    const ChapterProbe& c = r.chapters[i];
    Napi::Object co = Napi::Object::New(env);
    co.Set("id", Napi::Number::New(env, static_cast<double>(c.id)));
    co.Set("start", c.start);
    co.Set("end", c.end);
    co.Set("tags", tags_to_js(env, c.tags));
    chapters.Set(static_cast<uint32_t>(i), co);
  }
  o.Set("chapters", chapters);
  return o;
}

}  // namespace dubarr
