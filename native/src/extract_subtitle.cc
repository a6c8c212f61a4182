#include "extract_subtitle.h"

#include <memory>

#include "errors.h"
#include "input.h"
#include "output.h"
#include "subtitle_transcoder.h"

namespace dubarr {

ExtractSubtitleOp::Args ExtractSubtitleOp::parse(Napi::Env, const Napi::Object& o) {
  return Args{req_string(o, "path"), static_cast<int>(opt_int(o, "streamIndex", 0)), req_string(o, "out"), req_string(o, "format")};
}

ExtractSubtitleOp::Result ExtractSubtitleOp::run(const Args& args, OpContext& ctx) {
  InputFormatPtr input = open_input(args.path, ctx.cancel);
  if (args.stream_index >= static_cast<int>(input->nb_streams)) {
    fail(ErrorCode::InvalidArgument, "stream " + std::to_string(args.stream_index) + " does not exist (the file has " +
                                         std::to_string(input->nb_streams) + " streams)");
  }
  AVStream* in = input->streams[args.stream_index];
  if (in->codecpar->codec_type != AVMEDIA_TYPE_SUBTITLE) {
    fail(ErrorCode::InvalidArgument, "stream " + std::to_string(args.stream_index) + " is " + media_type_name(in->codecpar->codec_type) +
                                         ", not subtitles");
  }
  for (unsigned i = 0; i < input->nb_streams; i++) {
    if (input->streams[i] != in) input->streams[i]->discard = AVDISCARD_ALL;
  }
  const AVCodecID target = args.format == "ass" ? AV_CODEC_ID_ASS : AV_CODEC_ID_SUBRIP;
  const bool copy = in->codecpar->codec_id == target;

  MuxedOutput out(args.out, args.format == "ass" ? "ass" : "srt", ctx.cancel);
  AVStream* st = out.new_stream();
  std::unique_ptr<SubtitleTranscoder> transcoder;
  AVRational in_tb = in->time_base;
  if (copy) {
    check(avcodec_parameters_copy(st->codecpar, in->codecpar), ErrorCode::Internal, "cannot copy the stream");
    st->codecpar->codec_tag = 0;
  } else {
    transcoder = std::make_unique<SubtitleTranscoder>(in, target);
    transcoder->describe(st->codecpar);
    in_tb = AV_TIME_BASE_Q;
  }
  st->time_base = in_tb;
  Dictionary options;
  out.write_header(options);

  const int64_t zero = timeline_zero(input.get());
  const double length = input->duration > 0 ? static_cast<double>(input->duration) / AV_TIME_BASE : NAN;
  ctx.progress.set_total(length);
  PacketPtr pkt = make_packet();
  PacketPtr encoded = make_packet();
  Result result{args.out, 0};
  while (read_packet(input.get(), pkt.get(), ctx.cancel)) {
    if (pkt->stream_index != in->index) {
      av_packet_unref(pkt.get());
      continue;
    }
    AVPacket* event = pkt.get();
    if (transcoder) {
      const bool got = transcoder->transcode(pkt.get(), encoded.get());
      av_packet_unref(pkt.get());
      if (!got) continue;
      event = encoded.get();
    }
    // Times on the video's timeline; events before its start are pulled to 0.
    const int64_t shift = av_rescale_q(zero, AV_TIME_BASE_Q, in_tb);
    if (event->pts != AV_NOPTS_VALUE) event->pts = std::max<int64_t>(0, event->pts - shift);
    event->dts = event->pts;
    ctx.progress.update(event->pts == AV_NOPTS_VALUE ? NAN : static_cast<double>(event->pts) * av_q2d(in_tb));
    av_packet_rescale_ts(event, in_tb, st->time_base);
    event->stream_index = st->index;
    event->pos = -1;
    out.write(event);
    av_packet_unref(event);
    result.events++;
  }
  out.finish();
  ctx.progress.done(length);
  return result;
}

Napi::Value ExtractSubtitleOp::to_js(Napi::Env env, Result& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("path", r.path);
  o.Set("events", Napi::Number::New(env, static_cast<double>(r.events)));
  return o;
}

}  // namespace dubarr
