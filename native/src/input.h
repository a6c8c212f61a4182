// Opening inputs the same way for every operation: file protocol only, the cancel flag
// wired into libav's I/O, and failures mapped to E_MEDIA_UNREADABLE.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "av_handles.h"
#include "cancel.h"

namespace dubarr {

struct InputOptions {
  std::string format;  // a demuxer name to force (raw PCM: "s16le"), empty to probe
  std::vector<std::pair<std::string, std::string>> demuxer_options;
  // Fill in presentation times a container leaves out (MPEG-PS does on some packets; Matroska
  // cannot store a packet without one) from the decode times around them: libav's genpts.
  bool generate_pts = false;
};

InputFormatPtr open_input(const std::string& path, const CancelToken& cancel, const InputOptions& options = {});

// Zero of the file's timeline in AV_TIME_BASE units: where its presentation starts, which is
// where players put 0:00. Everything dubarr hands to JS is relative to it. That is the
// container start time, except in Matroska, where an Opus track's pre-skip (CodecDelay)
// is not counted: the first audible sample is at its start, not the first packet's.
int64_t timeline_zero(const AVFormatContext* ctx);

// The audio stream asked for: an absolute index, else the first stream tagged with one of
// `languages` (a default one first), else libav's best audio stream.
int select_audio_stream(AVFormatContext* ctx, int index, const std::vector<std::string>& languages);

const char* media_type_name(AVMediaType type);

// Reads the next packet, retrying EAGAIN. Returns false at the end of the input; a cut or
// damaged tail is treated as the end, as players do.
bool read_packet(AVFormatContext* ctx, AVPacket* pkt, const CancelToken& cancel);

}  // namespace dubarr
