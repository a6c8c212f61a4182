#include "audio_writer.h"

#include <algorithm>
#include <climits>

#include "encoder_layouts.h"
#include "errors.h"

namespace dubarr {
namespace {

// Encoders without a fixed frame size (PCM) get frames of this many samples.
constexpr int kVariableFrameSize = 4096;

int supported_rate(const AVCodec* codec, int wanted) {
  if (!codec->supported_samplerates) return wanted;
  int best_above = 0;
  int highest = 0;
  for (const int* r = codec->supported_samplerates; *r; r++) {
    if (*r == wanted) return wanted;
    highest = std::max(highest, *r);
    if (*r > wanted && (best_above == 0 || *r < best_above)) best_above = *r;
  }
  return best_above ? best_above : highest;
}

AVSampleFormat supported_format(const AVCodec* codec, AVSampleFormat input) {
  if (!codec->sample_fmts) return input;
  // FLAC stores integers: 16-bit sources stay 16-bit, anything richer goes to 32 (24 used).
  const AVSampleFormat packed = av_get_packed_sample_fmt(input);
  for (const AVSampleFormat* f = codec->sample_fmts; *f != AV_SAMPLE_FMT_NONE; f++) {
    if (*f == input || *f == packed) return *f;
  }
  if (input == AV_SAMPLE_FMT_U8 || input == AV_SAMPLE_FMT_U8P || input == AV_SAMPLE_FMT_S16 || input == AV_SAMPLE_FMT_S16P) {
    for (const AVSampleFormat* f = codec->sample_fmts; *f != AV_SAMPLE_FMT_NONE; f++) {
      if (av_get_bytes_per_sample(*f) == 2) return *f;
    }
  }
  return codec->sample_fmts[0];
}

}  // namespace

AudioWriter::AudioWriter(const std::string& path, const AudioEncodeSpec& spec, const AudioFormat& input, const CancelToken& cancel)
    : cancel_(cancel), input_(input), out_(path, spec.muxer, cancel) {
  const AVCodec* codec = avcodec_find_encoder_by_name(spec.encoder.c_str());
  if (!codec) fail(ErrorCode::UnsupportedCodec, "this FFmpeg build has no " + spec.encoder + " encoder");
  codec_name_ = codec->name;
  open_encoder(codec, spec);

  // libav 5.1's Matroska muxer cannot mark AAC priming (or any leading samples but Opus
  // pre-skip, which it writes as CodecDelay) and would instead play it as sound from 0,
  // putting the whole track one frame late; packets before 0 are left out instead.
  drop_before_zero_ = (spec.muxer == "matroska" || spec.muxer == "webm") && codec->id != AV_CODEC_ID_OPUS;
  stream_ = out_.new_stream();
  check(avcodec_parameters_from_context(stream_->codecpar, encoder_.get()), ErrorCode::Internal, "cannot describe the stream");
  stream_->time_base = encoder_->time_base;
  Dictionary muxer_options;
  if (spec.muxer == "wav") muxer_options.set("rf64", "auto");  // past 4 GiB a plain RIFF header overflows
  out_.write_header(muxer_options);

  const bool same = input_.sample_rate == output_.sample_rate && input_.format == output_.format && input_.layout == output_.layout;
  if (!same) {
    SwrContext* raw = nullptr;
    int ret = swr_alloc_set_opts2(&raw, output_.layout.get(), output_.format, output_.sample_rate, input_.layout.get(), input_.format,
                                  input_.sample_rate, 0, nullptr);
    swr_.reset(raw);
    if (ret < 0 || (ret = swr_init(swr_.get())) < 0) fail(ErrorCode::Internal, "cannot set up the encoder's resampler", ret);
  }
  fifo_.reset(av_audio_fifo_alloc(output_.format, output_.layout.channels(), frame_size_ * 2));
  if (!fifo_) throw std::bad_alloc();
  frame_ = make_frame();
  packet_ = make_packet();
}

void AudioWriter::open_encoder(const AVCodec* codec, const AudioEncodeSpec& spec) {
  ChannelLayout layout = input_.layout;
  if (!spec.layout.empty()) {
    if (av_channel_layout_from_string(layout.get(), spec.layout.c_str()) < 0) {
      fail(ErrorCode::InvalidArgument, "unknown channel layout '" + spec.layout + "'");
    }
  } else if (spec.channels > 0) {
    layout = ChannelLayout::default_for(spec.channels);
  }
  output_.layout = encoder_layout(codec, layout);
  output_.sample_rate = supported_rate(codec, spec.sample_rate > 0 ? spec.sample_rate : input_.sample_rate);
  output_.format = supported_format(codec, input_.format);

  encoder_.reset(avcodec_alloc_context3(codec));
  if (!encoder_) throw std::bad_alloc();
  encoder_->sample_rate = output_.sample_rate;
  encoder_->sample_fmt = output_.format;
  check(av_channel_layout_copy(&encoder_->ch_layout, output_.layout.get()), ErrorCode::Internal, "channel layout");
  encoder_->time_base = AVRational{1, output_.sample_rate};
  if (spec.bitrate > 0) {
    encoder_->bit_rate = spec.bitrate;
  } else if (codec->id == AV_CODEC_ID_AAC || codec->id == AV_CODEC_ID_OPUS) {
    // libavcodec's default (128 kb/s whatever the channels) starves 5.1 and wastes on mono.
    const int64_t per_channel = codec->id == AV_CODEC_ID_AAC ? 64000 : 32000;
    encoder_->bit_rate = std::min<int64_t>(per_channel * output_.layout.channels(), 512000);
  }
  if (output_.format == AV_SAMPLE_FMT_S32 || output_.format == AV_SAMPLE_FMT_S32P) encoder_->bits_per_raw_sample = 24;
  if (out_.ctx()->oformat->flags & AVFMT_GLOBALHEADER) encoder_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (!spec.aac_coder.empty()) {
    // The search is most of the AAC encoder's time (twoloop about twice fast's on 5.1).
    check(av_opt_set(encoder_->priv_data, "aac_coder", spec.aac_coder.c_str(), 0), ErrorCode::InvalidArgument,
          std::string("the ") + codec->name + " encoder has no aac_coder '" + spec.aac_coder + "'");
  }
  int ret = avcodec_open2(encoder_.get(), codec, nullptr);
  if (ret < 0) {
    fail(ErrorCode::UnsupportedCodec, std::string("cannot open the ") + codec->name + " encoder for " + output_.layout.describe() + " at " +
                                          std::to_string(output_.sample_rate) + " Hz",
         ret);
  }
  const bool variable = (codec->capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE) || encoder_->frame_size <= 0;
  variable_frames_ = variable;
  frame_size_ = variable ? kVariableFrameSize : encoder_->frame_size;
}

void AudioWriter::write(const uint8_t* const* planes, int samples) {
  if (samples <= 0) return;
  if (!swr_) {
    push_fifo(planes, samples);
  } else {
    const int capacity = swr_get_out_samples(swr_.get(), samples);
    converted_.reserve(capacity, output_.layout.channels(), output_.format);
    const int got = swr_convert(swr_.get(), converted_.planes(), capacity, const_cast<const uint8_t**>(planes), samples);
    if (got < 0) fail(ErrorCode::Internal, "audio conversion failed", got);
    push_fifo(converted_.planes(), got);
  }
  encode_from_fifo(false);
}

void AudioWriter::push_fifo(const uint8_t* const* planes, int samples) {
  if (samples <= 0) return;
  if (av_audio_fifo_write(fifo_.get(), reinterpret_cast<void**>(const_cast<uint8_t**>(planes)), samples) < samples) {
    throw std::bad_alloc();
  }
}

void AudioWriter::encode_from_fifo(bool final) {
  while (av_audio_fifo_size(fifo_.get()) >= frame_size_ || (final && av_audio_fifo_size(fifo_.get()) > 0)) {
    cancel_.throw_if_cancelled();
    const int n = std::min(frame_size_, av_audio_fifo_size(fifo_.get()));
    // Fixed-frame encoders that cannot take a short last frame get it padded with silence.
    const bool pad = n < frame_size_ && !variable_frames_ && !(encoder_->codec->capabilities & AV_CODEC_CAP_SMALL_LAST_FRAME);
    av_frame_unref(frame_.get());
    frame_->nb_samples = pad ? frame_size_ : n;
    frame_->format = output_.format;
    frame_->sample_rate = output_.sample_rate;
    check(av_channel_layout_copy(&frame_->ch_layout, output_.layout.get()), ErrorCode::Internal, "channel layout");
    if (av_frame_get_buffer(frame_.get(), 0) < 0) throw std::bad_alloc();
    av_audio_fifo_read(fifo_.get(), reinterpret_cast<void**>(frame_->data), n);
    if (pad) av_samples_set_silence(frame_->extended_data, n, frame_size_ - n, output_.layout.channels(), output_.format);
    frame_->pts = next_pts_;
    next_pts_ += n;
    encode(frame_.get());
  }
}

void AudioWriter::encode(AVFrame* frame) {
  int ret = avcodec_send_frame(encoder_.get(), frame);
  if (ret < 0) fail(ErrorCode::Internal, std::string("the ") + codec_name_ + " encoder refused audio", ret);
  for (;;) {
    ret = avcodec_receive_packet(encoder_.get(), packet_.get());
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return;
    if (ret < 0) fail(ErrorCode::Internal, std::string("the ") + codec_name_ + " encoder failed", ret);
    if (drop_before_zero_ && packet_->pts != AV_NOPTS_VALUE && packet_->pts < 0) {
      av_packet_unref(packet_.get());
      continue;
    }
    packet_->stream_index = stream_->index;
    av_packet_rescale_ts(packet_.get(), encoder_->time_base, stream_->time_base);
    out_.write(packet_.get());
  }
}

void AudioWriter::finish() {
  if (swr_) {
    for (;;) {
      const int capacity = swr_get_out_samples(swr_.get(), 0);
      if (capacity <= 0) break;
      converted_.reserve(capacity, output_.layout.channels(), output_.format);
      const int got = swr_convert(swr_.get(), converted_.planes(), capacity, nullptr, 0);
      if (got <= 0) break;
      push_fifo(converted_.planes(), got);
    }
  }
  encode_from_fifo(true);
  encode(nullptr);
  out_.finish();
}

}  // namespace dubarr
