// remux arguments from JS and its result back.
#include "remux.h"

namespace dubarr {
namespace {

TrackTags parse_tags(const Napi::Object& o) {
  TrackTags t;
  t.language = opt_string(o, "language");
  t.title = opt_string(o, "title");
  Napi::Value d = o.Get("dispositions");
  if (d.IsObject()) {
    Napi::Object map = d.As<Napi::Object>();
    Napi::Array names = map.GetPropertyNames();
    for (uint32_t i = 0; i < names.Length(); i++) {
      const std::string name = names.Get(i).As<Napi::String>().Utf8Value();
      t.dispositions.emplace_back(name, opt_bool(map, name.c_str(), false));
    }
  }
  return t;
}

template <class T, class F>
std::vector<T> parse_list(const Napi::Object& o, const char* key, F each) {
  std::vector<T> list;
  Napi::Value v = o.Get(key);
  if (!v.IsArray()) return list;
  Napi::Array a = v.As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); i++) list.push_back(each(a.Get(i).As<Napi::Object>()));
  return list;
}

}  // namespace

RemuxOp::Args RemuxOp::parse(Napi::Env, const Napi::Object& o) {
  Args a;
  a.source = req_string(o, "source");
  a.out = req_string(o, "out");
  a.container = opt_string(o, "container").value_or("auto");
  a.tool = req_string(o, "tool");
  a.audio = parse_list<NewAudioTrack>(o, "audio", [](const Napi::Object& t) {
    return NewAudioTrack{req_string(t, "path"), static_cast<int>(opt_int(t, "streamIndex", -1)), opt_double(t, "offset", 0), parse_tags(t)};
  });
  a.subtitles = parse_list<NewSubtitleTrack>(o, "subtitles", [](const Napi::Object& t) {
    return NewSubtitleTrack{req_string(t, "path"), opt_string(t, "format").value_or("srt"), opt_double(t, "offset", 0), parse_tags(t)};
  });
  a.source_streams = parse_list<SourceStreamTags>(o, "sourceStreams", [](const Napi::Object& t) {
    return SourceStreamTags{static_cast<int>(opt_int(t, "index", 0)), parse_tags(t)};
  });
  a.mark_source_original = static_cast<int>(opt_int(o, "markSourceOriginal", kNoOriginal));
  a.default_audio_dub = opt_string(o, "defaultAudio").value_or("source") == "dub";
  a.faststart = opt_bool(o, "faststart", false);
  a.video = opt_string(o, "video").value_or("");
  return a;
}

Napi::Value RemuxOp::to_js(Napi::Env env, Result& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("path", r.path);
  o.Set("container", r.container);
  o.Set("fallbackReason", r.fallback_reason.empty() ? env.Null() : Napi::String::New(env, r.fallback_reason));
  Napi::Array streams = Napi::Array::New(env, r.streams.size());
  for (size_t i = 0; i < r.streams.size(); i++) {
    const OutStream& s = r.streams[i];
    Napi::Object so = Napi::Object::New(env);
    so.Set("index", s.index);
    so.Set("type", s.type);
    so.Set("codec", s.codec);
    so.Set("origin", s.origin);
    so.Set("originIndex", s.origin_index);
    streams.Set(static_cast<uint32_t>(i), so);
  }
  o.Set("streams", streams);
  Napi::Array skipped = Napi::Array::New(env, r.skipped.size());
  for (size_t i = 0; i < r.skipped.size(); i++) {
    const Skipped& s = r.skipped[i];
    Napi::Object so = Napi::Object::New(env);
    so.Set("index", s.index);
    so.Set("type", s.type);
    so.Set("codec", s.codec);
    so.Set("reason", s.reason);
    skipped.Set(static_cast<uint32_t>(i), so);
  }
  o.Set("skipped", skipped);
  return o;
}

}  // namespace dubarr
