#include "remux_inputs.h"

#include "errors.h"
#include "input.h"

namespace dubarr {
namespace {

const char* demuxer_for_subtitle(const std::string& format) {
  if (format == "ass") return "ass";
  if (format == "vtt") return "webvtt";
  return "srt";
}

int first_stream_of(AVFormatContext* ctx, AVMediaType type) {
  for (unsigned i = 0; i < ctx->nb_streams; i++) {
    if (ctx->streams[i]->codecpar->codec_type == type) return static_cast<int>(i);
  }
  return -1;
}

void keep_only(RemuxInput& in, int stream) {
  for (unsigned i = 0; i < in.ctx->nb_streams; i++) {
    if (static_cast<int>(i) != stream) in.ctx->streams[i]->discard = AVDISCARD_ALL;
  }
}

}  // namespace

RemuxInput open_source(const RemuxOp::Args& args, const CancelToken& cancel) {
  RemuxInput in;
  InputOptions options;
  options.generate_pts = true;
  in.ctx = open_input(args.source, cancel, options);
  in.origin = "source";
  // The source's timestamps are written as they are (no shift to 0) into its own kind of
  // container: chapters, sidecar subtitles and players' 0:00 keep matching the original file.
  // Into another kind, Remuxer moves every input so the output starts at 0.
  in.zero_us = timeline_zero(in.ctx.get());
  const int count = static_cast<int>(in.ctx->nb_streams);
  for (const SourceStreamTags& t : args.source_streams) {
    if (t.index >= count) fail(ErrorCode::InvalidArgument, "sourceStreams: stream " + std::to_string(t.index) + " does not exist");
  }
  return in;
}

RemuxInput open_audio(const NewAudioTrack& track, int n, const CancelToken& cancel, int64_t source_zero_us) {
  RemuxInput in;
  in.ctx = open_input(track.path, cancel);
  in.origin = "audio";
  in.origin_index = n;
  // The track file's own zero (its first audible sample, priming excluded) lands `offset`
  // after the source's: the same convention decoding uses, sample 0 = timeline zero.
  in.zero_us = timeline_zero(in.ctx.get());
  in.shift_us = source_zero_us + static_cast<int64_t>(track.offset * AV_TIME_BASE) - in.zero_us;
  keep_only(in, select_audio_stream(in.ctx.get(), track.stream_index, {}));
  return in;
}

RemuxInput open_subtitle(const NewSubtitleTrack& track, int n, const CancelToken& cancel, int64_t source_zero_us) {
  RemuxInput in;
  InputOptions options;
  options.format = demuxer_for_subtitle(track.format);
  in.ctx = open_input(track.path, cancel, options);
  in.origin = "subtitle";
  in.origin_index = n;
  // Subtitle times are positions on the player's timeline already (no zero of their own).
  in.shift_us = source_zero_us + static_cast<int64_t>(track.offset * AV_TIME_BASE);
  const int stream = first_stream_of(in.ctx.get(), AVMEDIA_TYPE_SUBTITLE);
  if (stream < 0) fail(ErrorCode::MediaUnreadable, "'" + track.path + "' holds no subtitles", AVERROR_INVALIDDATA);
  keep_only(in, stream);
  return in;
}

int main_video_stream(const AVFormatContext* source) {
  for (unsigned i = 0; i < source->nb_streams; i++) {
    const AVStream* st = source->streams[i];
    if (st->codecpar->codec_type == AVMEDIA_TYPE_VIDEO && !(st->disposition & AV_DISPOSITION_ATTACHED_PIC)) return static_cast<int>(i);
  }
  return -1;
}

RemuxInput open_video(const std::string& path, const CancelToken& cancel, const AVStream* replaced) {
  RemuxInput in;
  InputOptions options;
  options.generate_pts = true;
  in.ctx = open_input(path, cancel, options);
  in.origin = "video";
  const int stream = main_video_stream(in.ctx.get());
  if (stream < 0) fail(ErrorCode::MediaUnreadable, "'" + path + "' holds no video stream", AVERROR_INVALIDDATA);
  keep_only(in, stream);
  // Frame for frame in the source stream's place: the two start times are made to coincide
  // (a spliced stream restarts at 0 where the source's may start at 21 ms, or late).
  const AVStream* st = in.ctx->streams[stream];
  const auto start_us = [](const AVStream* s) { return s->start_time == AV_NOPTS_VALUE ? 0 : av_rescale_q(s->start_time, s->time_base, AV_TIME_BASE_Q); };
  in.shift_us = start_us(replaced) - start_us(st);
  return in;
}

std::vector<const AVCodecParameters*> candidate_streams(const std::vector<RemuxInput>& inputs) {
  std::vector<const AVCodecParameters*> list;
  for (const RemuxInput& in : inputs) {
    for (unsigned i = 0; i < in.ctx->nb_streams; i++) {
      if (in.ctx->streams[i]->discard != AVDISCARD_ALL) list.push_back(in.ctx->streams[i]->codecpar);
    }
  }
  return list;
}

int resolve_original(const RemuxOp::Args& args, const AVFormatContext* source) {
  if (args.mark_source_original == RemuxOp::kNoOriginal) return -1;
  if (args.mark_source_original >= 0) {
    const int i = args.mark_source_original;
    if (i >= static_cast<int>(source->nb_streams) || source->streams[i]->codecpar->codec_type != AVMEDIA_TYPE_AUDIO) {
      fail(ErrorCode::InvalidArgument, "markSourceOriginal: stream " + std::to_string(i) + " is not an audio stream of the source");
    }
    return i;
  }
  int first = -1;
  for (unsigned i = 0; i < source->nb_streams; i++) {
    const AVStream* st = source->streams[i];
    if (st->codecpar->codec_type != AVMEDIA_TYPE_AUDIO) continue;
    if (st->disposition & AV_DISPOSITION_DEFAULT) return static_cast<int>(i);
    if (first < 0) first = static_cast<int>(i);
  }
  return first;  // -1: no audio, nothing to mark
}

}  // namespace dubarr
