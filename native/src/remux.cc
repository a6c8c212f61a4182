#include "remux.h"

#include <climits>
#include <memory>

#include "errors.h"
#include "input.h"
#include "mp4_track_flags.h"
#include "output.h"
#include "remux_inputs.h"
#include "remux_layout.h"
#include "subtitle_transcoder.h"

namespace dubarr {
namespace {

class Remuxer {
 public:
  Remuxer(const RemuxOp::Args& args, OpContext& ctx) : args_(args), ctx_(ctx) {}

  RemuxOp::Result run() {
    inputs_.push_back(open_source(args_, ctx_.cancel));
    const int64_t zero = inputs_[0].zero_us;
    if (!args_.video.empty()) open_replacement_video();
    for (size_t i = 0; i < args_.audio.size(); i++) inputs_.push_back(open_audio(args_.audio[i], static_cast<int>(i), ctx_.cancel, zero));
    for (size_t i = 0; i < args_.subtitles.size(); i++) {
      inputs_.push_back(open_subtitle(args_.subtitles[i], static_cast<int>(i), ctx_.cancel, zero));
    }
    const ContainerChoice choice = choose_container(args_.container, inputs_[0].ctx.get(), args_.source, candidate_streams(inputs_));
    container_ = choice.container;
    result_.container = container_->name;
    result_.fallback_reason = choice.fallback_reason;
    result_.path = output_path_for(args_.out, *container_);
    // Written into another kind of container, the source's timeline is moved to start at 0, as
    // ffmpeg's CLI does: an MPEG-TS recording starts late (1.4 s, or hours on DVB), and Matroska
    // would report that start as part of the duration (a 30-minute show listed as hours long),
    // MP4 would play it as an empty edit. Every input moves with it, so nothing changes relative
    // to the source's own start, which players show as 0:00 (sidecar subtitles keep matching).
    // Into its own kind (MKV from MKV) the file keeps its timestamps.
    if (!choice.source_kind && zero > 0) {
      for (RemuxInput& in : inputs_) in.shift_us -= zero;
    }

    MuxedOutput out(result_.path, container_->muxer, ctx_.cancel);
    out_ = &out;
    add_streams();
    tag_streams();
    set_file_properties();
    Dictionary options;
    if (container_->muxer == "matroska" || container_->muxer == "webm") options.set("default_mode", "passthrough");
    if (args_.faststart && (container_->muxer == "mp4" || container_->muxer == "mov")) options.set("movflags", "+faststart");
    out.write_header(options, args_.tool);
    plan_timing();
    copy_packets();
    out.finish([this](const std::string& written) {
      if (mp4_family()) disable_mp4_subtitle_tracks(written, subtitle_tracks_not_default());
    });
    ctx_.progress.done(progress_total_);
    return result_;
  }

 private:
  // RemuxOp::Args::video: the source's main video stream is not read; the replacement's packets
  // are written in its place (add_streams_of).
  void open_replacement_video() {
    AVFormatContext* source = inputs_[0].ctx.get();
    replaced_ = main_video_stream(source);
    if (replaced_ < 0) fail(ErrorCode::InvalidArgument, "video: the source has no video stream to replace");
    inputs_.push_back(open_video(args_.video, ctx_.cancel, source->streams[replaced_]));
    source->streams[replaced_]->discard = AVDISCARD_ALL;
  }

  RemuxInput* replacement() {
    for (RemuxInput& in : inputs_) if (in.origin == "video") return &in;
    return nullptr;
  }

  // The replaced stream's output track: the source's tags, dispositions and side data
  // (rotation, HDR), the replacement's codec parameters (its extradata may differ).
  void add_replacement_stream(const RemuxInput& source, int index) {
    RemuxInput& video = *replacement();
    const int vi = main_video_stream(video.ctx.get());
    AVStream* vst = video.ctx->streams[vi];
    AVStream* ost = out_->new_stream();
    copy_stream_properties(source.ctx->streams[index], ost, out_->ctx()->oformat);
    const uint32_t tag = ost->codecpar->codec_tag;
    check(avcodec_parameters_copy(ost->codecpar, vst->codecpar), ErrorCode::Internal, "cannot copy stream parameters");
    ost->codecpar->codec_tag = vst->codecpar->codec_id == source.ctx->streams[index]->codecpar->codec_id ? tag : 0;
    ost->time_base = vst->time_base;
    ost->avg_frame_rate = vst->avg_frame_rate;
    ost->r_frame_rate = vst->r_frame_rate;
    video.out_index[vi] = ost->index;
    replaced_out_ = ost->index;  // sourceStreams tags for the replaced stream go here
    result_.streams.push_back({ost->index, "video", avcodec_get_name(ost->codecpar->codec_id), "video", 0});
  }

  bool mp4_family() const { return container_->muxer == "mp4" || container_->muxer == "mov"; }
  bool matroska_family() const { return container_->muxer == "matroska" || container_->muxer == "webm"; }

  // How packet times reach each output stream, known once the muxer has fixed its time bases.
  // MP4 keeps a track's negative start (AAC priming, Opus pre-skip, a negative offset) in an
  // edit list, so nothing changes there. libav 5.1's Matroska muxer would instead move the
  // whole file later until its earliest packet is at 0 (the source's streams included), so
  // audio is made to start at 0 inside its own track:
  //  - Opus: the muxer writes CodecDelay (pre-skip) but not the block times the spec pairs
  //    with it (pts + CodecDelay; the demuxer subtracts it again), so the delay is added
  //    here, in the input's time base as the input's demuxer subtracted it (a Matroska
  //    source then gets its blocks back exactly; an Ogg track's first audible sample is
  //    rounded to the millisecond once, not twice); the pre-skip packets stay and decoders
  //    drop them as they should.
  //  - other audio: Matroska as libav writes it cannot mark leading samples to drop, so
  //    packets that start before 0 (AAC priming, a track moved before the start) are left out.
  //    The first kept frame decodes without its predecessor's overlap; with AAC that touches
  //    only the first 21 ms, the priming's own span, which in a dub is silence.
  void plan_timing() {
    timing_.assign(out_->ctx()->nb_streams, StreamTiming{});
    if (!matroska_family()) return;
    for (unsigned i = 0; i < out_->ctx()->nb_streams; i++) {
      const AVStream* st = out_->ctx()->streams[i];
      const AVCodecParameters* par = st->codecpar;
      if (par->codec_type != AVMEDIA_TYPE_AUDIO) continue;
      timing_[i].drop_before_zero = true;
      if (par->codec_id == AV_CODEC_ID_OPUS && par->initial_padding > 0) {  // the muxer's condition for CodecDelay
        timing_[i].codec_delay_ns = av_rescale_q(par->initial_padding, AVRational{1, 48000}, kNanoseconds);
      }
    }
  }

  // Matroska readers list attachments after every track, so they are added last: the
  // indices reported here are the ones a probe of the output will show.
  void add_streams() {
    for (RemuxInput& in : inputs_) {
      in.out_index.assign(in.ctx->nb_streams, -1);
      in.transcoders.resize(in.ctx->nb_streams);
    }
    for (RemuxInput& in : inputs_) add_streams_of(in, false);
    add_streams_of(inputs_[0], true);
  }

  void add_streams_of(RemuxInput& in, bool attachments) {
    if (in.origin == "video") return;  // written in the source stream's place
    for (unsigned i = 0; i < in.ctx->nb_streams; i++) {
      AVStream* ist = in.ctx->streams[i];
      if (in.origin == "source" && static_cast<int>(i) == replaced_) {
        if (!attachments) add_replacement_stream(in, static_cast<int>(i));
        continue;
      }
      if (ist->discard == AVDISCARD_ALL) continue;
      if ((ist->codecpar->codec_type == AVMEDIA_TYPE_ATTACHMENT) != attachments) continue;
      const StreamFate fate = fate_in(*container_, ist->codecpar);
      if (!fate.fits) {  // only droppable streams get here; choose_container vetted the rest
        result_.skipped.push_back({static_cast<int>(i), media_type_name(ist->codecpar->codec_type),
                                   avcodec_get_name(ist->codecpar->codec_id), std::string("cannot be stream-copied into ") + container_->name});
        ist->discard = AVDISCARD_ALL;
        continue;
      }
      AVStream* ost = out_->new_stream();
      copy_stream_properties(ist, ost, out_->ctx()->oformat);
      if (fate.transcode) {
        in.transcoders[i] = std::make_unique<SubtitleTranscoder>(ist, fate.codec);
        in.transcoders[i]->describe(ost->codecpar);  // replaces the copied parameters
        ost->time_base = AVRational{1, 1000};
      }
      if (in.origin != "source") {
        // A new track starts clean: the tags of an intermediate file mean nothing here.
        av_dict_free(&ost->metadata);
        ost->disposition = 0;
      }
      in.out_index[i] = ost->index;
      result_.streams.push_back({ost->index, media_type_name(ist->codecpar->codec_type), avcodec_get_name(ost->codecpar->codec_id), in.origin,
                                 in.origin == "source" ? static_cast<int>(i) : in.origin_index});
    }
  }

  // Order matters: the source's own flags, then the default audio track and `original`, then
  // explicit tags (which may override both).
  void tag_streams() {
    const RemuxInput& source = inputs_[0];
    const int original = resolve_original(args_, source.ctx.get());
    const int original_out = original >= 0 ? source.out_index[original] : -1;
    if (original_out >= 0) out_->ctx()->streams[original_out]->disposition |= AV_DISPOSITION_ORIGINAL;
    set_default_audio(choose_default_audio(original_out));
    for (const SourceStreamTags& t : args_.source_streams) {
      const int o = t.index == replaced_ ? replaced_out_ : source.out_index[t.index];
      if (o >= 0) apply_track_tags(out_->ctx()->streams[o], t.tags, mp4_family());
    }
    for (const RemuxInput& in : inputs_) {
      if (in.origin == "source" || in.origin == "video") continue;
      const TrackTags& tags = in.origin == "audio" ? args_.audio[in.origin_index].tags : args_.subtitles[in.origin_index].tags;
      for (int o : in.out_index) {
        if (o >= 0) apply_track_tags(out_->ctx()->streams[o], tags, mp4_family());
      }
    }
  }

  // Exactly one audio track is the default, so a player's choice is not left to chance (an
  // MPEG-PS or AVI source has no default flags at all; two defaults are as bad). With
  // defaultAudio 'dub' it is the first new track; otherwise the source's default audio track,
  // else the one marked original, else its first, else the first new one. -1: no audio.
  int choose_default_audio(int original_out) const {
    const AVFormatContext* out = out_->ctx();
    int first_source = -1;
    int first_new = -1;
    int source_default = -1;
    for (const RemuxInput& in : inputs_) {
      for (int o : in.out_index) {
        if (o < 0 || out->streams[o]->codecpar->codec_type != AVMEDIA_TYPE_AUDIO) continue;
        if (in.origin != "source") {
          if (first_new < 0) first_new = o;
          continue;
        }
        if (first_source < 0) first_source = o;
        if (source_default < 0 && (out->streams[o]->disposition & AV_DISPOSITION_DEFAULT)) source_default = o;
      }
    }
    if (args_.default_audio_dub && first_new >= 0) return first_new;
    if (source_default >= 0) return source_default;
    if (original_out >= 0) return original_out;
    return first_source >= 0 ? first_source : first_new;
  }

  void set_default_audio(int chosen) {
    if (chosen < 0) return;
    for (unsigned i = 0; i < out_->ctx()->nb_streams; i++) {
      AVStream* st = out_->ctx()->streams[i];
      if (st->codecpar->codec_type == AVMEDIA_TYPE_AUDIO) st->disposition &= ~AV_DISPOSITION_DEFAULT;
    }
    out_->ctx()->streams[chosen]->disposition |= AV_DISPOSITION_DEFAULT;
  }

  // MP4 track IDs (the muxer numbers stream i as i + 1) of subtitle tracks that are not default.
  std::vector<unsigned> subtitle_tracks_not_default() const {
    std::vector<unsigned> ids;
    for (unsigned i = 0; i < out_->ctx()->nb_streams; i++) {
      const AVStream* st = out_->ctx()->streams[i];
      if (st->codecpar->codec_type == AVMEDIA_TYPE_SUBTITLE && !(st->disposition & AV_DISPOSITION_DEFAULT)) ids.push_back(i + 1);
    }
    return ids;
  }

  void set_file_properties() {
    const AVFormatContext* source = inputs_[0].ctx.get();
    av_dict_copy(&out_->ctx()->metadata, source->metadata, 0);
    copy_chapters(source, out_->ctx(), inputs_[0].shift_us);
    if (source->duration > 0) progress_total_ = static_cast<double>(source->duration) / AV_TIME_BASE;
    ctx_.progress.set_total(progress_total_);
  }

  void fill(RemuxInput& in) {
    while (!in.has_pending && !in.ended) {
      if (!read_packet(in.ctx.get(), in.pending.get(), ctx_.cancel)) {
        in.ended = true;
        return;
      }
      const AVPacket* pkt = in.pending.get();
      if (pkt->stream_index >= static_cast<int>(in.out_index.size()) || in.out_index[pkt->stream_index] < 0) {
        av_packet_unref(in.pending.get());
        continue;
      }
      const int64_t ts = pkt->dts != AV_NOPTS_VALUE ? pkt->dts : pkt->pts;
      const AVRational tb = in.ctx->streams[pkt->stream_index]->time_base;
      // Packets without a time go out at once; the muxer places them.
      in.pending_us = ts == AV_NOPTS_VALUE ? INT64_MIN : av_rescale_q(ts, tb, AV_TIME_BASE_Q) + in.shift_us;
      in.has_pending = true;
    }
  }

  // Packets leave in timestamp order across inputs, so the muxer's interleaving queue stays
  // short and memory does not grow with file length.
  void copy_packets() {
    PacketPtr converted = make_packet();
    for (;;) {
      ctx_.cancel.throw_if_cancelled();
      RemuxInput* next = nullptr;
      for (RemuxInput& in : inputs_) {
        fill(in);
        if (in.has_pending && (!next || in.pending_us < next->pending_us)) next = &in;
      }
      if (!next) return;
      next->has_pending = false;
      write(*next, converted.get());
    }
  }

  void write(RemuxInput& in, AVPacket* converted) {
    AVPacket* pkt = in.pending.get();
    const int stream = pkt->stream_index;
    AVRational tb = in.ctx->streams[stream]->time_base;
    if (SubtitleTranscoder* t = in.transcoders[stream].get()) {
      const bool got = t->transcode(pkt, converted);
      av_packet_unref(pkt);
      if (!got) return;
      pkt = converted;
      tb = AV_TIME_BASE_Q;
    }
    const int64_t shift = av_rescale_q(in.shift_us, AV_TIME_BASE_Q, tb);
    if (pkt->pts != AV_NOPTS_VALUE) pkt->pts += shift;
    if (pkt->dts != AV_NOPTS_VALUE) pkt->dts += shift;
    if (in.origin == "subtitle" && !clip_to_start(pkt)) return;
    AVStream* ost = out_->ctx()->streams[in.out_index[stream]];
    const StreamTiming& timing = timing_[ost->index];
    if (timing.codec_delay_ns) {
      const int64_t delay = av_rescale_q(timing.codec_delay_ns, kNanoseconds, tb);
      if (pkt->pts != AV_NOPTS_VALUE) pkt->pts += delay;
      if (pkt->dts != AV_NOPTS_VALUE) pkt->dts += delay;
    }
    av_packet_rescale_ts(pkt, tb, ost->time_base);
    if (timing.drop_before_zero && pkt->pts != AV_NOPTS_VALUE && pkt->pts < 0) {
      av_packet_unref(pkt);
      return;
    }
    pkt->stream_index = ost->index;
    pkt->pos = -1;
    if (in.origin == "source" && in.pending_us != INT64_MIN) {
      ctx_.progress.update(static_cast<double>(in.pending_us - in.shift_us - in.zero_us) / AV_TIME_BASE);
    }
    out_->write(pkt);
  }

  // A new subtitle moved before the start keeps only what is shown from 0 on; the muxer
  // would otherwise move the whole file. False when nothing is left of the event.
  static bool clip_to_start(AVPacket* pkt) {
    if (pkt->pts == AV_NOPTS_VALUE || pkt->pts >= 0) return true;
    if (pkt->duration <= 0 || pkt->pts + pkt->duration <= 0) {
      av_packet_unref(pkt);
      return false;
    }
    pkt->duration += pkt->pts;
    pkt->pts = 0;
    pkt->dts = 0;
    return true;
  }

  struct StreamTiming {
    int64_t codec_delay_ns = 0;     // added to pts/dts (Opus in Matroska)
    bool drop_before_zero = false;  // packets with pts < 0 are left out
  };
  static constexpr AVRational kNanoseconds{1, 1000000000};

  const RemuxOp::Args& args_;
  OpContext& ctx_;
  std::vector<StreamTiming> timing_;  // per output stream
  std::vector<RemuxInput> inputs_;
  int replaced_ = -1;      // the source stream RemuxOp::Args::video replaces
  int replaced_out_ = -1;  // and the output stream written in its place
  const Container* container_ = nullptr;
  MuxedOutput* out_ = nullptr;
  RemuxOp::Result result_;
  double progress_total_ = NAN;
};

}  // namespace

RemuxOp::Result RemuxOp::run(const Args& args, OpContext& ctx) { return Remuxer(args, ctx).run(); }

}  // namespace dubarr
