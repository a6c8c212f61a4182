#include "subtitle_transcoder.h"

#include <cstring>

#include "errors.h"

namespace dubarr {
namespace {

// What the CLI allows for one encoded subtitle event; far above any real one.
constexpr size_t kMaxEventBytes = 1 << 20;

struct SubtitleGuard {
  AVSubtitle* sub;
  ~SubtitleGuard() { avsubtitle_free(sub); }
};

int codec_props(AVCodecID id) {
  const AVCodecDescriptor* d = avcodec_descriptor_get(id);
  return d ? d->props : 0;
}

}  // namespace

bool is_text_subtitle(AVCodecID id) { return codec_props(id) & AV_CODEC_PROP_TEXT_SUB; }
bool is_bitmap_subtitle(AVCodecID id) { return codec_props(id) & AV_CODEC_PROP_BITMAP_SUB; }

SubtitleTranscoder::SubtitleTranscoder(const AVStream* input, AVCodecID target) : buffer_(kMaxEventBytes) {
  const AVCodecID from = input->codecpar->codec_id;
  const std::string from_name = avcodec_get_name(from);
  const std::string to_name = avcodec_get_name(target);
  if (!is_text_subtitle(from)) fail(ErrorCode::UnsupportedCodec, from_name + " subtitles are images and cannot be converted to " + to_name);

  const AVCodec* dec = avcodec_find_decoder(from);
  if (!dec) fail(ErrorCode::UnsupportedCodec, "this FFmpeg build cannot decode " + from_name + " subtitles");
  decoder_.reset(avcodec_alloc_context3(dec));
  if (!decoder_) throw std::bad_alloc();
  check(avcodec_parameters_to_context(decoder_.get(), input->codecpar), ErrorCode::MediaUnreadable, "bad " + from_name + " parameters");
  decoder_->pkt_timebase = input->time_base;
  check(avcodec_open2(decoder_.get(), dec, nullptr), ErrorCode::MediaUnreadable, "cannot open the " + from_name + " decoder");

  const AVCodec* enc = avcodec_find_encoder(target);
  if (!enc) fail(ErrorCode::UnsupportedCodec, "this FFmpeg build cannot encode " + to_name + " subtitles");
  encoder_.reset(avcodec_alloc_context3(enc));
  if (!encoder_) throw std::bad_alloc();
  encoder_->time_base = AV_TIME_BASE_Q;
  // Text encoders take their styles from the decoder's ASS header.
  if (decoder_->subtitle_header && decoder_->subtitle_header_size > 0) {
    encoder_->subtitle_header = static_cast<uint8_t*>(av_mallocz(static_cast<size_t>(decoder_->subtitle_header_size) + 1));
    if (!encoder_->subtitle_header) throw std::bad_alloc();
    std::memcpy(encoder_->subtitle_header, decoder_->subtitle_header, static_cast<size_t>(decoder_->subtitle_header_size));
    encoder_->subtitle_header_size = decoder_->subtitle_header_size;
  }
  check(avcodec_open2(encoder_.get(), enc, nullptr), ErrorCode::UnsupportedCodec, "cannot open the " + to_name + " encoder");
}

void SubtitleTranscoder::describe(AVCodecParameters* par) const {
  check(avcodec_parameters_from_context(par, encoder_.get()), ErrorCode::Internal, "cannot describe the subtitle stream");
}

bool SubtitleTranscoder::transcode(const AVPacket* in, AVPacket* out) {
  if (in->pts == AV_NOPTS_VALUE) {
    skipped_++;
    return false;
  }
  AVSubtitle sub{};
  int got = 0;
  int ret = avcodec_decode_subtitle2(decoder_.get(), &sub, &got, const_cast<AVPacket*>(in));
  SubtitleGuard guard{&sub};
  if (ret < 0 || !got || sub.num_rects == 0 || sub.pts == AV_NOPTS_VALUE) {
    if (ret < 0) skipped_++;
    return false;
  }
  // Encoders expect the event to start at pts with start_display_time 0, as the CLI does.
  const int64_t start = sub.pts + av_rescale_q(sub.start_display_time, AVRational{1, 1000}, AV_TIME_BASE_Q);
  const uint32_t length_ms = sub.end_display_time > sub.start_display_time ? sub.end_display_time - sub.start_display_time : 0;
  sub.pts = start;
  sub.start_display_time = 0;
  sub.end_display_time = length_ms;
  const int size = avcodec_encode_subtitle(encoder_.get(), buffer_.data(), static_cast<int>(buffer_.size()), &sub);
  if (size <= 0) {
    skipped_++;
    return false;
  }
  check(av_new_packet(out, size), ErrorCode::Internal, "out of memory");
  std::memcpy(out->data, buffer_.data(), static_cast<size_t>(size));
  out->pts = out->dts = start;
  out->duration = av_rescale_q(length_ms, AVRational{1, 1000}, AV_TIME_BASE_Q);
  return true;
}

}  // namespace dubarr
