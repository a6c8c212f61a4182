// probe(path): what a file holds, with the fields ffprobe reports under the same meaning.
#pragma once

#include <napi.h>

#include <string>
#include <utility>
#include <vector>

#include "js_bridge.h"

namespace dubarr {

using Tags = std::vector<std::pair<std::string, std::string>>;

struct StreamProbe {
  int index = 0;
  std::string type;
  std::string codec;
  std::string codec_long_name;
  std::string profile;
  Tags tags;
  std::vector<std::string> dispositions;
  double start_time = NAN;
  double duration = NAN;
  AVRational time_base{0, 1};
  int64_t bit_rate = 0;
  int channels = 0;
  int sample_rate = 0;
  std::string channel_layout;  // empty when the order is unspecified
  std::string sample_format;
  int width = 0;
  int height = 0;
  AVRational avg_frame_rate{0, 1};
  AVRational r_frame_rate{0, 1};
  std::string pixel_format;
  int extradata_size = 0;
};

struct ChapterProbe {
  int64_t id = 0;
  double start = 0;
  double end = 0;
  Tags tags;
};

struct ProbeInfo {
  std::string format_name;
  std::string format_long_name;
  double duration = NAN;
  double start_time = NAN;
  int64_t bit_rate = 0;
  int64_t size = -1;
  Tags tags;
  std::vector<StreamProbe> streams;
  std::vector<ChapterProbe> chapters;
};

struct ProbeOp {
  static constexpr const char* kName = "dubarr:probe";
  struct Args {
    std::string path;
  };
  using Result = ProbeInfo;
  static Args parse(Napi::Env env, const Napi::Object& o);
  static Result run(const Args& args, OpContext& ctx);
  static Napi::Value to_js(Napi::Env env, Result& r);
};

Tags read_tags(const AVDictionary* dict);
Napi::Object tags_to_js(Napi::Env env, const Tags& tags);

}  // namespace dubarr
