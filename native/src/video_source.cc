#include "video_source.h"

#include <algorithm>
#include <cmath>

#include "errors.h"
#include "input.h"

namespace dubarr {
namespace {

int select_video_stream(AVFormatContext* ctx, int index) {
  const int count = static_cast<int>(ctx->nb_streams);
  if (index >= 0) {
    if (index >= count) fail(ErrorCode::InvalidArgument, "stream " + std::to_string(index) + " does not exist (the file has " + std::to_string(count) + " streams)");
    const AVMediaType type = ctx->streams[index]->codecpar->codec_type;
    if (type != AVMEDIA_TYPE_VIDEO) fail(ErrorCode::NoVideoStream, "stream " + std::to_string(index) + " is " + media_type_name(type) + ", not video");
    return index;
  }
  // A cover picture (MP3/MKV attachment shown as a one-frame "video") is not the film.
  int first = -1;
  for (int i = 0; i < count; i++) {
    const AVStream* st = ctx->streams[i];
    if (st->codecpar->codec_type != AVMEDIA_TYPE_VIDEO || (st->disposition & AV_DISPOSITION_ATTACHED_PIC)) continue;
    if (st->disposition & AV_DISPOSITION_DEFAULT) return i;
    if (first < 0) first = i;
  }
  if (first < 0) fail(ErrorCode::NoVideoStream, "the file has no video stream");
  return first;
}

}  // namespace

VideoSource::VideoSource(const std::string& path, int stream_index, const CancelToken& cancel) : cancel_(cancel) {
  input_ = open_input(path, cancel);
  const int index = select_video_stream(input_.get(), stream_index);
  stream_ = input_->streams[index];
  for (unsigned i = 0; i < input_->nb_streams; i++) {
    if (static_cast<int>(i) != index) input_->streams[i]->discard = AVDISCARD_ALL;
  }
  zero_ = av_rescale_q(timeline_zero(input_.get()), AV_TIME_BASE_Q, stream_->time_base);
}

double VideoSource::seconds(int64_t ts) const {
  return ts == AV_NOPTS_VALUE ? NAN : static_cast<double>(ts - zero_) * av_q2d(stream_->time_base);
}

double VideoSource::duration() const { return input_->duration > 0 ? static_cast<double>(input_->duration) / AV_TIME_BASE : NAN; }

void VideoSource::open_decoder() {
  const AVCodec* codec = avcodec_find_decoder(stream_->codecpar->codec_id);
  if (!codec) fail(ErrorCode::UnsupportedCodec, std::string("this FFmpeg build cannot decode ") + avcodec_get_name(stream_->codecpar->codec_id) + " video");
  decoder_.reset(avcodec_alloc_context3(codec));
  if (!decoder_) throw std::bad_alloc();
  check(avcodec_parameters_to_context(decoder_.get(), stream_->codecpar), ErrorCode::Internal, "cannot set up the video decoder");
  decoder_->pkt_timebase = stream_->time_base;
  const AVRational rate = av_guess_frame_rate(input_.get(), stream_, nullptr);
  if (rate.num > 0 && rate.den > 0) frame_step_ = std::max<int64_t>(1, av_rescale_q(1, av_inv_q(rate), stream_->time_base));
  check(avcodec_open2(decoder_.get(), codec, nullptr), ErrorCode::UnsupportedCodec, "cannot open the video decoder");
}

void VideoSource::seek_to(int64_t ts) {
  // A failed seek (a stream without an index) reads on from where it is: slower, still right.
  av_seek_frame(input_.get(), stream_->index, ts, AVSEEK_FLAG_BACKWARD);
  if (decoder_) avcodec_flush_buffers(decoder_.get());
  draining_ = false;
  has_pending_ = false;
  last_ts_ = AV_NOPTS_VALUE;
}

void VideoSource::seek(double at) {
  if (at <= 0) return;  // from the start: reading on is exact, a seek to 0 may not be (MPEG-PS)
  const double tb = av_q2d(stream_->time_base);
  for (double back = 0;; back = back == 0 ? 1 : back * 2) {
    const double target = std::max(0.0, at - back);
    seek_to(zero_ + static_cast<int64_t>(std::floor(target / tb)));
    if (!decoder_) return;  // a stream copy takes the keyframe it gets
    if (!receive(pending_.get())) return;  // nothing after the seek point: next_frame() says so
    has_pending_ = true;
    const double first = seconds(pending_->best_effort_timestamp);
    // A first frame without a time cannot be placed, nor can the ones after it: back off too.
    if ((!std::isnan(first) && first <= at + 0.0005) || target <= 0) return;
    av_frame_unref(pending_.get());
  }
}

bool VideoSource::next_packet(AVPacket* pkt) {
  while (read_packet(input_.get(), pkt, cancel_)) {
    if (pkt->stream_index == stream_->index) return true;
    av_packet_unref(pkt);
  }
  return false;
}

bool VideoSource::next_frame(AVFrame* frame) {
  if (has_pending_) {
    has_pending_ = false;
    av_frame_move_ref(frame, pending_.get());
    return true;
  }
  return receive(frame);
}

bool VideoSource::receive(AVFrame* frame) {
  for (;;) {
    cancel_.throw_if_cancelled();
    int ret = avcodec_receive_frame(decoder_.get(), frame);
    if (ret >= 0) {
      // MPEG-PS stamps only some pictures; the others follow the last one by a frame.
      if (frame->best_effort_timestamp == AV_NOPTS_VALUE && last_ts_ != AV_NOPTS_VALUE && frame_step_ > 0) {
        frame->best_effort_timestamp = last_ts_ + frame_step_;
      }
      last_ts_ = frame->best_effort_timestamp;
      return true;
    }
    if (ret == AVERROR_EOF) return false;
    if (ret != AVERROR(EAGAIN)) {
      // A damaged frame is skipped, as players do; a stream of nothing else ends below.
      if (++decode_errors_ > 1000) fail(ErrorCode::MediaUnreadable, "the video cannot be decoded", ret);
      continue;
    }
    if (draining_) return false;
    if (!next_packet(pkt_.get())) {
      draining_ = true;
      avcodec_send_packet(decoder_.get(), nullptr);
      continue;
    }
    ret = avcodec_send_packet(decoder_.get(), pkt_.get());
    av_packet_unref(pkt_.get());
    if (ret < 0 && ret != AVERROR(EAGAIN) && ++decode_errors_ > 1000) fail(ErrorCode::MediaUnreadable, "the video cannot be decoded", ret);
  }
}

ScaledSize scaled_size(const AVFrame* frame, int width, int align) {
  const AVRational sar = frame->sample_aspect_ratio.num > 0 && frame->sample_aspect_ratio.den > 0 ? frame->sample_aspect_ratio : AVRational{1, 1};
  const double display_width = frame->width * av_q2d(sar);
  const double height = width * frame->height / display_width;
  int h = static_cast<int>(std::lround(height / align)) * align;
  return ScaledSize{width, h < align ? align : h};
}

void FrameScaler::scale(const AVFrame* in, AVFrame* out) {
  sws_.reset(sws_getCachedContext(sws_.release(), in->width, in->height, static_cast<AVPixelFormat>(in->format), width_, height_, format_,
                                  SWS_BICUBIC, nullptr, nullptr, nullptr));
  if (!sws_) fail(ErrorCode::UnsupportedCodec, std::string("cannot convert ") + (av_get_pix_fmt_name(static_cast<AVPixelFormat>(in->format)) ?: "this pixel format"));
  av_frame_unref(out);
  out->width = width_;
  out->height = height_;
  out->format = format_;
  check(av_frame_get_buffer(out, 0), ErrorCode::Internal, "cannot allocate a picture");
  check(sws_scale(sws_.get(), in->data, in->linesize, 0, in->height, out->data, out->linesize), ErrorCode::Internal, "cannot scale the picture");
  out->pts = in->pts;
}

}  // namespace dubarr
