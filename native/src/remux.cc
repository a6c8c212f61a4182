#include "remux.h"

#include <climits>
#include <memory>

#include "errors.h"
#include "input.h"
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
    for (size_t i = 0; i < args_.audio.size(); i++) inputs_.push_back(open_audio(args_.audio[i], static_cast<int>(i), ctx_.cancel));
    for (size_t i = 0; i < args_.subtitles.size(); i++) {
      inputs_.push_back(open_subtitle(args_.subtitles[i], static_cast<int>(i), ctx_.cancel));
    }
    const ContainerChoice choice = choose_container(args_.container, inputs_[0].ctx.get(), args_.source, candidate_streams(inputs_));
    container_ = choice.container;
    result_.container = container_->name;
    result_.fallback_reason = choice.fallback_reason;
    result_.path = output_path_for(args_.out, *container_);

    MuxedOutput out(result_.path, container_->muxer, ctx_.cancel);
    out_ = &out;
    add_streams();
    tag_streams();
    set_file_properties();
    Dictionary options;
    if (container_->muxer == "matroska" || container_->muxer == "webm") options.set("default_mode", "passthrough");
    if (args_.faststart && (container_->muxer == "mp4" || container_->muxer == "mov")) options.set("movflags", "+faststart");
    out.write_header(options, args_.tool);
    copy_packets();
    out.finish();
    ctx_.progress.done(progress_total_);
    return result_;
  }

 private:
  bool mp4_family() const { return container_->muxer == "mp4" || container_->muxer == "mov"; }

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
    for (unsigned i = 0; i < in.ctx->nb_streams; i++) {
      AVStream* ist = in.ctx->streams[i];
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

  // Order matters: the source's own flags, then the convenience switches, then explicit tags.
  void tag_streams() {
    const RemuxInput& source = inputs_[0];
    const int original = resolve_original(args_, source.ctx.get());
    if (original >= 0 && source.out_index[original] >= 0) {
      out_->ctx()->streams[source.out_index[original]]->disposition |= AV_DISPOSITION_ORIGINAL;
    }
    int first_dub = -1;
    for (const RemuxInput& in : inputs_) {
      if (in.origin != "audio") continue;
      for (int o : in.out_index) {
        if (o >= 0 && first_dub < 0) first_dub = o;
      }
    }
    if (args_.make_dub_default && first_dub >= 0) {
      for (unsigned i = 0; i < out_->ctx()->nb_streams; i++) {
        AVStream* st = out_->ctx()->streams[i];
        if (st->codecpar->codec_type == AVMEDIA_TYPE_AUDIO) st->disposition &= ~AV_DISPOSITION_DEFAULT;
      }
      out_->ctx()->streams[first_dub]->disposition |= AV_DISPOSITION_DEFAULT;
    }
    for (const SourceStreamTags& t : args_.source_streams) {
      const int o = source.out_index[t.index];
      if (o >= 0) apply_track_tags(out_->ctx()->streams[o], t.tags, mp4_family());
    }
    for (const RemuxInput& in : inputs_) {
      if (in.origin == "source") continue;
      const TrackTags& tags = in.origin == "audio" ? args_.audio[in.origin_index].tags : args_.subtitles[in.origin_index].tags;
      for (int o : in.out_index) {
        if (o >= 0) apply_track_tags(out_->ctx()->streams[o], tags, mp4_family());
      }
    }
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
    AVStream* ost = out_->ctx()->streams[in.out_index[stream]];
    av_packet_rescale_ts(pkt, tb, ost->time_base);
    pkt->stream_index = ost->index;
    pkt->pos = -1;
    if (in.origin == "source" && in.pending_us != INT64_MIN) ctx_.progress.update(static_cast<double>(in.pending_us) / AV_TIME_BASE);
    out_->write(pkt);
  }

  const RemuxOp::Args& args_;
  OpContext& ctx_;
  std::vector<RemuxInput> inputs_;
  const Container* container_ = nullptr;
  MuxedOutput* out_ = nullptr;
  RemuxOp::Result result_;
  double progress_total_ = NAN;
};

}  // namespace

RemuxOp::Result RemuxOp::run(const Args& args, OpContext& ctx) { return Remuxer(args, ctx).run(); }

}  // namespace dubarr
