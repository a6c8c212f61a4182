// The inputs of a remux: the source and each new track's file, opened with only the
// streams that will be written, plus where their packets go.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "av_handles.h"
#include "cancel.h"
#include "remux.h"
#include "subtitle_transcoder.h"

namespace dubarr {

struct RemuxInput {
  InputFormatPtr ctx;
  std::string origin;  // source | audio | subtitle | video
  int origin_index = 0;
  int64_t shift_us = 0;            // added to every timestamp (for the source: 0, or minus its start when the container changes)
  int64_t zero_us = 0;             // the file's timeline zero (timeline_zero)
  std::vector<int> out_index;      // per input stream; -1 = not written
  std::vector<std::unique_ptr<SubtitleTranscoder>> transcoders;  // per input stream
  PacketPtr pending = make_packet();
  bool has_pending = false;
  bool ended = false;
  int64_t pending_us = 0;
};

RemuxInput open_source(const RemuxOp::Args& args, const CancelToken& cancel);
// New tracks are placed `offset` seconds after the source's timeline zero.
RemuxInput open_audio(const NewAudioTrack& track, int n, const CancelToken& cancel, int64_t source_zero_us);
RemuxInput open_subtitle(const NewSubtitleTrack& track, int n, const CancelToken& cancel, int64_t source_zero_us);

// The source's main video stream: its first video stream that is not a cover picture; -1 for none.
int main_video_stream(const AVFormatContext* source);
// The replacement for that stream (RemuxOp::Args::video): its first video stream alone, moved so
// that its first frame lands where the source stream's first frame is.
RemuxInput open_video(const std::string& path, const CancelToken& cancel, const AVStream* replaced);

// The streams each input contributes, in output order (source streams keep their indices).
std::vector<const AVCodecParameters*> candidate_streams(const std::vector<RemuxInput>& inputs);

// The source audio stream markSourceOriginal names, or -1 for none.
int resolve_original(const RemuxOp::Args& args, const AVFormatContext* source);

}  // namespace dubarr
