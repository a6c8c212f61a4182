#include "remux.h"

#include <climits>
#include <memory>

#include "errors.h"
#include "input.h"
#include "output.h"
#include "remux_layout.h"
#include "subtitle_transcoder.h"

namespace dubarr {
namespace {

// One input file of the remux and where its packets go.
struct RemuxInput {
  InputFormatPtr ctx;
  std::string origin;  // source | audio | subtitle
  int origin_index = 0;
  int64_t shift_us = 0;            // added to every timestamp
  std::vector<int> out_index;      // per input stream; -1 = not written
  std::vector<std::unique_ptr<SubtitleTranscoder>> transcoders;  // per input stream
  PacketPtr pending = make_packet();
  bool has_pending = false;
  bool ended = false;
  int64_t pending_us = 0;
};

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

RemuxInput open_source(const RemuxOp::Args& args, const CancelToken& cancel) {
  RemuxInput in;
  in.ctx = open_input(args.source, cancel);
  in.origin = "source";
  // Timeline zero of the source becomes 0 in the output, as the CLI does without -copyts;
  // new tracks are already relative to that zero.
  in.shift_us = -timeline_zero(in.ctx.get());
  const int count = static_cast<int>(in.ctx->nb_streams);
  for (const SourceStreamTags& t : args.source_streams) {
    if (t.index >= count) fail(ErrorCode::InvalidArgument, "sourceStreams: stream " + std::to_string(t.index) + " does not exist");
  }
  return in;
}

RemuxInput open_audio(const NewAudioTrack& track, int n, const CancelToken& cancel) {
  RemuxInput in;
  in.ctx = open_input(track.path, cancel);
  in.origin = "audio";
  in.origin_index = n;
  in.shift_us = static_cast<int64_t>(track.offset * AV_TIME_BASE);
  keep_only(in, select_audio_stream(in.ctx.get(), track.stream_index, {}));
  return in;
}

RemuxInput open_subtitle(const NewSubtitleTrack& track, int n, const CancelToken& cancel) {
  RemuxInput in;
  InputOptions options;
  options.format = demuxer_for_subtitle(track.format);
  in.ctx = open_input(track.path, cancel, options);
  in.origin = "subtitle";
  in.origin_index = n;
  in.shift_us = static_cast<int64_t>(track.offset * AV_TIME_BASE);
  const int stream = first_stream_of(in.ctx.get(), AVMEDIA_TYPE_SUBTITLE);
  if (stream < 0) fail(ErrorCode::MediaUnreadable, "'" + track.path + "' holds no subtitles", AVERROR_INVALIDDATA);
  keep_only(in, stream);
  return in;
}

// The streams each input contributes, in output order (source streams keep their indices).
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
  a.make_dub_default = opt_bool(o, "makeDubDefault", false);
  a.faststart = opt_bool(o, "faststart", false);
  return a;
}

RemuxOp::Result RemuxOp::run(const Args& args, OpContext& ctx) { return Remuxer(args, ctx).run(); }

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
