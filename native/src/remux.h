// remux: the source with every stream stream-copied (video untouched, byte for byte) plus
// new audio and subtitle tracks, each tagged (language, title, dispositions). Streams keep
// their absolute indices, so tags for source streams address the right track even when the
// file already has several audio tracks; new tracks follow them.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "js_bridge.h"

namespace dubarr {

struct TrackTags {
  std::optional<std::string> language;
  std::optional<std::string> title;
  std::vector<std::pair<std::string, bool>> dispositions;  // libav names
};

struct NewAudioTrack {
  std::string path;
  int stream_index = -1;
  double offset = 0;  // seconds on the source timeline
  TrackTags tags;
};

struct NewSubtitleTrack {
  std::string path;
  std::string format;  // srt | ass | vtt
  double offset = 0;
  TrackTags tags;
};

struct SourceStreamTags {
  int index = 0;
  TrackTags tags;
};

struct RemuxOp {
  static constexpr const char* kName = "dubarr:remux";
  static constexpr int kNoOriginal = -2;
  static constexpr int kDefaultAudioIsOriginal = -1;

  struct Args {
    std::string source;
    std::string out;
    std::string container;  // auto | mkv | mp4
    std::string tool;       // "dubarr <version>"
    std::vector<NewAudioTrack> audio;
    std::vector<NewSubtitleTrack> subtitles;
    std::vector<SourceStreamTags> source_streams;
    int mark_source_original = kNoOriginal;
    bool default_audio_dub = false;  // defaultAudio: 'dub' (else 'source')
    bool faststart = false;
    // A file whose first video stream is written in the place of the source's main video
    // stream (same position, the source's tags), packet for packet; "" = the source's own.
    std::string video;
  };
  struct OutStream {
    int index;
    std::string type;
    std::string codec;
    std::string origin;  // source | audio | subtitle | video
    int origin_index;
  };
  struct Skipped {
    int index;
    std::string type;
    std::string codec;
    std::string reason;
  };
  struct Result {
    std::string path;
    std::string container;
    std::string fallback_reason;
    std::vector<OutStream> streams;
    std::vector<Skipped> skipped;
  };
  static Args parse(Napi::Env env, const Napi::Object& o);
  static Result run(const Args& args, OpContext& ctx);
  static Napi::Value to_js(Napi::Env env, Result& r);
};

// Tag edits (remux_tags.cc).
void apply_track_tags(AVStream* st, const TrackTags& tags, bool mp4_family);
void copy_stream_properties(const AVStream* in, AVStream* out, const AVOutputFormat* format);
void copy_chapters(const AVFormatContext* in, AVFormatContext* out, int64_t shift_us);

}  // namespace dubarr
