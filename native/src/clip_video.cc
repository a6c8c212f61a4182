#include "clip_video.h"

#include <algorithm>
#include <cmath>

#include "errors.h"
#include "output.h"
#include "video_source.h"

namespace dubarr {
namespace {

// What Chromium (and every browser) decodes in MP4: 8-bit 4:2:0 H.264.
bool browser_playable(const AVCodecParameters* par) {
  return par->codec_id == AV_CODEC_ID_H264 && (par->format == AV_PIX_FMT_YUV420P || par->format == AV_PIX_FMT_YUVJ420P);
}

const AVCodec* h264_encoder() {
  for (const char* name : {"libx264", "libopenh264"}) {
    if (const AVCodec* c = avcodec_find_encoder_by_name(name)) return c;
  }
  fail(ErrorCode::UnsupportedCodec, "this FFmpeg build has no H.264 encoder (libx264 or libopenh264) to make a browser-playable clip");
}

void open_output(MuxedOutput& out) {
  Dictionary options;
  options.set("movflags", "+faststart");
  out.write_header(options);
}

class StreamCopy {
 public:
  StreamCopy(VideoSource& source, const ClipVideoOp::Args& args, OpContext& ctx) : source_(source), args_(args), ctx_(ctx) {}

  // A copy starts on the keyframe at or before the start. When that keyframe is more than half
  // the clip before it (sparse keyframes: some encoders put one every 10 s or more), a copy
  // would show little or none of what was asked: in auto mode run() then returns false before
  // writing anything, and the clip is encoded instead; in copy mode the clip is made longer so
  // that it still shows at least half of the asked stretch.
  bool run(ClipVideoOp::Result& r) {
    source_.seek(args_.start);
    AVStream* in = source_.stream();
    MuxedOutput out(args_.out, "mp4", ctx_.cancel);
    AVStream* st = out.new_stream();
    check(avcodec_parameters_copy(st->codecpar, in->codecpar), ErrorCode::Internal, "cannot copy the video stream");
    st->codecpar->codec_tag = 0;
    st->time_base = in->time_base;
    st->sample_aspect_ratio = in->sample_aspect_ratio;
    open_output(out);

    r = ClipVideoOp::Result{};
    r.copied = true;
    r.codec = avcodec_get_name(in->codecpar->codec_id);
    r.width = in->codecpar->width;
    r.height = in->codecpar->height;
    PacketPtr pkt = make_packet();
    int64_t shift = AV_NOPTS_VALUE;
    double end = NAN;
    double last = 0;
    while (source_.next_packet(pkt.get())) {
      const int64_t ts = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
      if (shift == AV_NOPTS_VALUE) {
        // A clip must start on a keyframe: what comes before it cannot be decoded alone.
        if (!(pkt->flags & AV_PKT_FLAG_KEY) || ts == AV_NOPTS_VALUE) {
          av_packet_unref(pkt.get());
          continue;
        }
        shift = ts;
        r.start = source_.seconds(ts);
        end = r.start + args_.duration;
        if (args_.start - r.start > args_.duration / 2) {
          if (args_.mode == "auto") return false;
          end = std::max(end, args_.start + args_.duration / 2);
        }
      }
      // Decode order: once a packet is decoded at or after the end, every frame shown before
      // the end has been written (a frame is never shown before it is decoded).
      const double decoded_at = source_.seconds(pkt->dts != AV_NOPTS_VALUE ? pkt->dts : ts);
      if (decoded_at >= end) break;
      if (pkt->pts != AV_NOPTS_VALUE) pkt->pts -= shift;
      if (pkt->dts != AV_NOPTS_VALUE) pkt->dts -= shift;
      if (pkt->pts != AV_NOPTS_VALUE && pkt->duration > 0) last = std::max(last, static_cast<double>(pkt->pts + pkt->duration) * av_q2d(in->time_base));
      ctx_.progress.update(decoded_at - r.start);
      av_packet_rescale_ts(pkt.get(), in->time_base, st->time_base);
      pkt->stream_index = st->index;
      pkt->pos = -1;
      out.write(pkt.get());
      r.frames++;
    }
    // A seek past the end lands on the last keyframe: the clip would show none of what was asked.
    if (r.frames == 0 || r.start + last <= args_.start) {
      fail(ErrorCode::InvalidArgument, "no video at or after " + std::to_string(args_.start) + " s (the video ends at " +
                                           std::to_string(r.frames ? r.start + last : source_.duration()) + " s)");
    }
    out.finish();
    r.path = out.final_path();
    r.duration = last > 0 ? std::min(last, end - r.start) : end - r.start;
    return true;
  }

 private:
  VideoSource& source_;
  const ClipVideoOp::Args& args_;
  OpContext& ctx_;
};

class Reencode {
 public:
  Reencode(VideoSource& source, const ClipVideoOp::Args& args, OpContext& ctx) : source_(source), args_(args), ctx_(ctx) {}

  ClipVideoOp::Result run() {
    source_.open_decoder();
    source_.seek(args_.start);
    MuxedOutput out(args_.out, "mp4", ctx_.cancel);
    out_ = &out;
    FramePtr frame = make_frame();
    FramePtr scaled = make_frame();
    const AVRational tb = source_.stream()->time_base;
    int64_t start_ts = AV_NOPTS_VALUE;
    while (source_.next_frame(frame.get())) {
      const double t = source_.seconds(frame->best_effort_timestamp);
      // Frames before the start were decoded only as references for the ones that follow.
      if (std::isnan(t) || t + 0.0005 < args_.start) {
        av_frame_unref(frame.get());
        continue;
      }
      if (t >= args_.start + args_.duration) break;
      if (!encoder_) open_encoder(frame.get());
      if (start_ts == AV_NOPTS_VALUE) {
        start_ts = frame->best_effort_timestamp;
        result_.start = t;
      }
      scaler_->scale(frame.get(), scaled.get());
      // Encoders need rising times; MPEG-PS can stamp two pictures alike (a guessed time).
      scaled->pts = std::max(frame->best_effort_timestamp - start_ts, last_pts_ + 1);
      last_pts_ = scaled->pts;
      scaled->sample_aspect_ratio = AVRational{1, 1};
      av_frame_unref(frame.get());
      ctx_.progress.update(t - args_.start);
      encode(scaled.get());
      last_end_ = std::max(last_end_, static_cast<double>(scaled->pts) * av_q2d(tb) + frame_seconds_);
      result_.frames++;
    }
    if (!encoder_) fail(ErrorCode::InvalidArgument, "no video frame at or after " + std::to_string(args_.start) + " s");
    encode(nullptr);
    out.finish();
    result_.path = out.final_path();
    result_.duration = std::min(last_end_, args_.duration);
    return result_;
  }

 private:
  void open_encoder(const AVFrame* first) {
    const AVCodec* codec = h264_encoder();
    const AVRational sar = first->sample_aspect_ratio.num > 0 ? first->sample_aspect_ratio : AVRational{1, 1};
    const int display = static_cast<int>(std::lround(first->width * av_q2d(sar)));
    int width = args_.max_width > 0 ? std::min(args_.max_width, display) : display;
    width = std::max(2, width - width % 2);
    const ScaledSize size = scaled_size(first, width, 2);
    scaler_ = std::make_unique<FrameScaler>(size.width, size.height, AV_PIX_FMT_YUV420P);

    encoder_.reset(avcodec_alloc_context3(codec));
    if (!encoder_) throw std::bad_alloc();
    AVStream* in = source_.stream();
    encoder_->width = size.width;
    encoder_->height = size.height;
    encoder_->pix_fmt = AV_PIX_FMT_YUV420P;
    encoder_->sample_aspect_ratio = AVRational{1, 1};
    encoder_->time_base = in->time_base;
    const AVRational rate = av_guess_frame_rate(source_.format(), in, nullptr);
    if (rate.num > 0 && rate.den > 0) {
      encoder_->framerate = rate;
      frame_seconds_ = av_q2d(av_inv_q(rate));
    }
    encoder_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;  // MP4 keeps SPS/PPS in the header
    Dictionary options;
    options.set("preset", "veryfast");
    options.set("crf", std::to_string(args_.crf));
    check(avcodec_open2(encoder_.get(), codec, options.get()), ErrorCode::UnsupportedCodec, std::string("cannot open the ") + codec->name + " encoder");

    stream_ = out_->new_stream();
    check(avcodec_parameters_from_context(stream_->codecpar, encoder_.get()), ErrorCode::Internal, "cannot describe the video stream");
    stream_->time_base = encoder_->time_base;
    stream_->sample_aspect_ratio = encoder_->sample_aspect_ratio;
    open_output(*out_);
    result_.codec = codec->name;
    result_.width = size.width;
    result_.height = size.height;
  }

  void encode(AVFrame* frame) {
    check(avcodec_send_frame(encoder_.get(), frame), ErrorCode::Internal, "the video encoder refused a frame");
    for (;;) {
      int ret = avcodec_receive_packet(encoder_.get(), pkt_.get());
      if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return;
      check(ret, ErrorCode::Internal, "the video encoder failed");
      av_packet_rescale_ts(pkt_.get(), encoder_->time_base, stream_->time_base);
      pkt_->stream_index = stream_->index;
      out_->write(pkt_.get());
    }
  }

  VideoSource& source_;
  const ClipVideoOp::Args& args_;
  OpContext& ctx_;
  MuxedOutput* out_ = nullptr;
  AVStream* stream_ = nullptr;
  CodecContextPtr encoder_;
  std::unique_ptr<FrameScaler> scaler_;
  PacketPtr pkt_ = make_packet();
  ClipVideoOp::Result result_;
  double frame_seconds_ = 0;
  double last_end_ = 0;
  int64_t last_pts_ = -1;
};

}  // namespace

ClipVideoOp::Args ClipVideoOp::parse(Napi::Env, const Napi::Object& o) {
  Args a;
  a.source = req_string(o, "source");
  a.out = req_string(o, "out");
  a.stream_index = static_cast<int>(opt_int(o, "streamIndex", -1));
  a.start = opt_double(o, "start", 0);
  a.duration = opt_double(o, "duration", 0);
  a.mode = req_string(o, "mode");
  a.max_width = static_cast<int>(opt_int(o, "maxWidth", 0));
  a.crf = static_cast<int>(opt_int(o, "crf", 23));
  return a;
}

ClipVideoOp::Result ClipVideoOp::run(const Args& args, OpContext& ctx) {
  VideoSource source(args.source, args.stream_index, ctx.cancel);
  ctx.progress.set_total(args.duration);
  const bool copy = args.mode == "copy" || (args.mode == "auto" && browser_playable(source.stream()->codecpar) &&
                                            (args.max_width <= 0 || source.stream()->codecpar->width <= args.max_width));
  Result r;
  if (!copy || !StreamCopy(source, args, ctx).run(r)) r = Reencode(source, args, ctx).run();
  ctx.progress.done(args.duration);
  return r;
}

Napi::Value ClipVideoOp::to_js(Napi::Env env, Result& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("path", r.path);
  o.Set("start", Napi::Number::New(env, r.start));
  o.Set("duration", Napi::Number::New(env, r.duration));
  o.Set("copied", Napi::Boolean::New(env, r.copied));
  o.Set("codec", r.codec);
  o.Set("width", Napi::Number::New(env, r.width));
  o.Set("height", Napi::Number::New(env, r.height));
  o.Set("frames", Napi::Number::New(env, r.frames));
  return o;
}

}  // namespace dubarr
