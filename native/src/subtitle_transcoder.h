// Re-encodes text subtitles through libavcodec's ASS-based subtitle API: SRT/ASS/WebVTT to
// mov_text for MP4, mov_text to SRT for Matroska, anything textual to SRT or ASS on
// extraction. Bitmap subtitles (PGS, DVD) cannot become text and are refused.
#pragma once

#include <vector>

#include "av_handles.h"

namespace dubarr {

bool is_text_subtitle(AVCodecID id);
bool is_bitmap_subtitle(AVCodecID id);

class SubtitleTranscoder {
 public:
  SubtitleTranscoder(const AVStream* input, AVCodecID target);

  // Encoder parameters for the output stream (codec, extradata with the ASS header).
  void describe(AVCodecParameters* par) const;
  // Decodes `in`; when that completes a subtitle event, fills `out` with it re-encoded, with
  // timestamps in AV_TIME_BASE_Q, and returns true. Damaged events are skipped.
  bool transcode(const AVPacket* in, AVPacket* out);
  int64_t skipped() const { return skipped_; }

 private:
  CodecContextPtr decoder_;
  CodecContextPtr encoder_;
  std::vector<uint8_t> buffer_;
  int64_t skipped_ = 0;
};

}  // namespace dubarr
