// Which container a remux writes and what each stream becomes there. The rule: keep the
// source's container (MP4/MOV, MKV, WebM) unless one of the streams cannot go into it; then
// MKV, which holds nearly everything. Text subtitles are converted when the container has
// its own text format (mov_text in MP4, SRT for mov_text in MKV, WebVTT in WebM).
#pragma once

#include <string>
#include <vector>

#include "av_handles.h"

namespace dubarr {

struct Container {
  std::string name;   // mkv | mp4 | mov | webm
  std::string muxer;  // libavformat muxer
  std::vector<std::string> extensions;
};

struct StreamFate {
  bool fits = false;
  bool transcode = false;       // text subtitles re-encoded to `codec`
  AVCodecID codec = AV_CODEC_ID_NONE;
};

StreamFate fate_in(const Container& container, const AVCodecParameters* par);

// Streams a container may leave out (timecode or other data tracks no muxer can copy);
// they are reported, never silently lost.
bool droppable(const AVCodecParameters* par);

struct ContainerChoice {
  const Container* container = nullptr;
  std::string fallback_reason;  // empty when the requested or source container was used
  bool source_kind = false;     // the source's own kind of container (MKV from MKV, MP4 from MP4)
};

// `requested` is "auto", "mkv" or "mp4". Fails with E_UNSUPPORTED_CODEC when an explicit
// container cannot hold the streams, naming the first that does not fit.
ContainerChoice choose_container(const std::string& requested, const AVFormatContext* source, const std::string& source_path,
                                 const std::vector<const AVCodecParameters*>& streams);

// `out` with its extension replaced when it does not belong to the container.
std::string output_path_for(const std::string& out, const Container& container);

}  // namespace dubarr
