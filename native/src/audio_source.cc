#include "audio_source.h"

#include <algorithm>
#include <cstdlib>

#include "errors.h"

namespace dubarr {
namespace {

// Silence is pushed through the resampler in slices so a long gap never becomes one buffer.
constexpr int kSilenceSlice = 8192;
constexpr int kMaxChannels = 64;

bool plausible(const AVFrame* f) {
  return f->nb_samples > 0 && f->sample_rate > 0 && f->sample_rate <= 1536000 && f->ch_layout.nb_channels > 0 &&
         f->ch_layout.nb_channels <= kMaxChannels && f->format >= 0 && f->format < AV_SAMPLE_FMT_NB;
}

// The raw demuxer's ch_layout for headerless PCM. Checked here, off the JS thread like every
// libav call, so a bad name is an E_INVALID_ARGUMENT from the operation.
InputOptions raw_input(const AudioSourceSpec& spec) {
  InputOptions input = spec.input;
  if (input.format.empty()) return input;
  ChannelLayout layout = ChannelLayout::default_for(spec.raw_channels > 0 ? spec.raw_channels : 1);
  if (!spec.raw_layout.empty()) {
    if (av_channel_layout_from_string(layout.get(), spec.raw_layout.c_str()) < 0 || layout.channels() < 1 || layout.channels() > kMaxChannels) {
      fail(ErrorCode::InvalidArgument, "raw.layout: unknown channel layout '" + spec.raw_layout + "'");
    }
    if (spec.raw_channels > 0 && spec.raw_channels != layout.channels()) {
      fail(ErrorCode::InvalidArgument, "raw.layout '" + spec.raw_layout + "' has " + std::to_string(layout.channels()) +
                                           " channels, raw.channels says " + std::to_string(spec.raw_channels));
    }
  }
  // The demuxer parses the caller's own spelling (a described custom order would not parse back).
  input.demuxer_options.emplace_back("ch_layout", spec.raw_layout.empty() ? layout.describe() : spec.raw_layout);
  return input;
}

}  // namespace

AVSampleFormat packed_format(const std::string& name) {
  if (name == "s16") return AV_SAMPLE_FMT_S16;
  if (name == "f32") return AV_SAMPLE_FMT_FLT;
  fail(ErrorCode::InvalidArgument, "unknown sample format '" + name + "'");
}

AudioSource::AudioSource(const AudioSourceSpec& spec, const CancelToken& cancel) : cancel_(cancel), spec_(spec) {
  input_ = open_input(spec.path, cancel, raw_input(spec));
  const int index = select_audio_stream(input_.get(), spec.stream_index, spec.languages);
  stream_ = input_->streams[index];
  // Skipping the other streams at the demuxer saves reading video payloads at all.
  for (unsigned i = 0; i < input_->nb_streams; i++) {
    if (static_cast<int>(i) != index) input_->streams[i]->discard = AVDISCARD_ALL;
  }
  info_.stream_index = index;
  info_.codec = avcodec_get_name(stream_->codecpar->codec_id);

  const int64_t zero = timeline_zero(input_.get());
  zero_in_stream_tb_ = av_rescale_q(zero, AV_TIME_BASE_Q, stream_->time_base);
  info_.timeline_start = static_cast<double>(zero) / AV_TIME_BASE;
  if (input_->duration != AV_NOPTS_VALUE && input_->duration > 0) {
    info_.duration = static_cast<double>(input_->duration) / AV_TIME_BASE;
    max_gap_seconds_ = info_.duration + 1;
  }

  open_decoder();
  packet_ = make_packet();
  held_ = make_frame();
  // The first frame tells the real format (codec parameters can be wrong, e.g. HE-AAC
  // with parametric stereo), and a stream that cannot decode at all fails here, early.
  if (!decode_next()) {
    fail(ErrorCode::MediaUnreadable, "audio stream " + std::to_string(index) + " (" + info_.codec + ") has no decodable frames", AVERROR_INVALIDDATA);
  }
  choose_output(held_.get());
}

void AudioSource::open_decoder() {
  const AVCodec* codec = avcodec_find_decoder(stream_->codecpar->codec_id);
  if (!codec) fail(ErrorCode::UnsupportedCodec, "this FFmpeg build cannot decode " + info_.codec + " audio");
  decoder_.reset(avcodec_alloc_context3(codec));
  if (!decoder_) throw std::bad_alloc();
  check(avcodec_parameters_to_context(decoder_.get(), stream_->codecpar), ErrorCode::MediaUnreadable, "bad " + info_.codec + " parameters");
  decoder_->pkt_timebase = stream_->time_base;
  check(avcodec_open2(decoder_.get(), codec, nullptr), ErrorCode::MediaUnreadable, "cannot open the " + info_.codec + " decoder");
}

void AudioSource::choose_output(const AVFrame* first) {
  const ChannelLayout in_layout = ChannelLayout::normalized(first->ch_layout);
  info_.source_sample_rate = first->sample_rate;
  info_.source_layout = in_layout.describe();
  info_.sample_rate = spec_.sample_rate > 0 ? spec_.sample_rate : first->sample_rate;
  info_.sample_format = spec_.sample_format != AV_SAMPLE_FMT_NONE ? spec_.sample_format : static_cast<AVSampleFormat>(first->format);
  switch (spec_.channel_mode) {
    case ChannelMode::Original: info_.layout = in_layout; break;
    case ChannelMode::Mono: info_.layout = ChannelLayout::default_for(1); break;
    case ChannelMode::Count: info_.layout = ChannelLayout::default_for(spec_.channels); break;
    case ChannelMode::Center:
      info_.layout = ChannelLayout::default_for(1);
      info_.center_extracted =
          in_layout.channels() > 1 && av_channel_layout_index_from_channel(in_layout.get(), AV_CHAN_FRONT_CENTER) >= 0;
      break;
  }
  fifo_.reset(av_audio_fifo_alloc(info_.sample_format, info_.layout.channels(), 8192));
  if (!fifo_) throw std::bad_alloc();
}

bool AudioSource::decode_next() {
  for (;;) {
    cancel_.throw_if_cancelled();
    int ret = avcodec_receive_frame(decoder_.get(), held_.get());
    if (ret >= 0) {
      if (!plausible(held_.get())) {
        av_frame_unref(held_.get());
        decode_errors_++;
        continue;
      }
      const int before_zero = place_on_timeline(held_.get());
      if (before_zero >= held_->nb_samples) {  // wholly before the timeline starts
        av_frame_unref(held_.get());
        continue;
      }
      held_skip_ = before_zero;
      has_held_ = true;
      any_frame_ = true;
      return true;
    }
    if (ret == AVERROR_EOF) return false;
    if (ret != AVERROR(EAGAIN)) decode_errors_++;
    if (decoder_draining_) return false;

    if (!read_packet(input_.get(), packet_.get(), cancel_)) {
      decoder_draining_ = true;
      avcodec_send_packet(decoder_.get(), nullptr);
      continue;
    }
    if (packet_->stream_index != stream_->index) {
      av_packet_unref(packet_.get());
      continue;
    }
    ret = avcodec_send_packet(decoder_.get(), packet_.get());
    av_packet_unref(packet_.get());
    // A damaged packet is skipped, as players do; the rest of the stream still plays.
    if (ret < 0 && ret != AVERROR(EAGAIN)) decode_errors_++;
  }
}

int AudioSource::place_on_timeline(const AVFrame* frame) {
  const int rate = frame->sample_rate;
  if (cursor_rate_ > 0 && rate != cursor_rate_) cursor_ = av_rescale(cursor_, rate, cursor_rate_);
  cursor_rate_ = rate;
  const int64_t ts = frame->best_effort_timestamp;
  int before_zero = 0;
  // Timestamps this far out are damage (fuzzed or broken files), not a position.
  if (ts != AV_NOPTS_VALUE && std::llabs(ts) < (int64_t{1} << 52)) {
    const int64_t pos = av_rescale_q(ts - zero_in_stream_tb_, stream_->time_base, AVRational{1, rate});
    // The first frame is placed to the millisecond; later, jitter from millisecond
    // container timestamps must not become clicks of inserted silence.
    const int64_t tolerance = any_frame_ ? rate / 50 : rate / 1000;
    if (!any_frame_ && pos < -tolerance) {
      before_zero = static_cast<int>(std::min<int64_t>(-pos, frame->nb_samples));
      if (before_zero == frame->nb_samples) return before_zero;  // dropped; the cursor stays at 0
    }
    if (!any_frame_) info_.stream_start = static_cast<double>(pos + before_zero) / rate;
    const int64_t gap = pos + before_zero - cursor_;
    if (gap > tolerance && static_cast<double>(pos) / rate <= max_gap_seconds_) {
      pending_silence_ = gap;
      cursor_ = pos;
    }
  }
  cursor_ += frame->nb_samples - before_zero;
  return before_zero;
}

void AudioSource::ensure_resampler(const AVFrame* frame) {
  const ChannelLayout in_layout = ChannelLayout::normalized(frame->ch_layout);
  const auto format = static_cast<AVSampleFormat>(frame->format);
  if (swr_ && frame->sample_rate == swr_in_rate_ && format == swr_in_format_ && in_layout == swr_in_layout_) return;
  if (swr_) flush_resampler();  // keep the tail of the old configuration

  SwrContext* raw = nullptr;
  // libswresample 4.7 takes non-const layouts it does not modify.
  int ret = swr_alloc_set_opts2(&raw, info_.layout.get(), info_.sample_format, info_.sample_rate,
                                const_cast<AVChannelLayout*>(in_layout.get()), format,
                                frame->sample_rate, 0, nullptr);
  SwrPtr swr(raw);
  if (ret < 0) fail(ErrorCode::Internal, "cannot set up the resampler", ret);
  const int center = av_channel_layout_index_from_channel(in_layout.get(), AV_CHAN_FRONT_CENTER);
  if (spec_.channel_mode == ChannelMode::Center && in_layout.channels() > 1 && center >= 0) {
    // One output row: the centre channel at unity gain, every other input channel muted.
    std::vector<double> matrix(static_cast<size_t>(in_layout.channels()), 0.0);
    matrix[static_cast<size_t>(center)] = 1.0;
    check(swr_set_matrix(swr.get(), matrix.data(), in_layout.channels()), ErrorCode::Internal, "cannot select the centre channel");
  }
  ret = swr_init(swr.get());
  if (ret < 0) {
    fail(ErrorCode::MediaUnreadable, "cannot convert " + in_layout.describe() + " " + av_get_sample_fmt_name(format) + " at " +
                                         std::to_string(frame->sample_rate) + " Hz",
         ret);
  }
  swr_ = std::move(swr);
  swr_in_rate_ = frame->sample_rate;
  swr_in_format_ = format;
  swr_in_layout_ = in_layout;
}

void AudioSource::convert(const uint8_t** in, int in_samples) {
  const int capacity = swr_get_out_samples(swr_.get(), in_samples);
  if (capacity <= 0) return;
  converted_.reserve(capacity, info_.layout.channels(), info_.sample_format);
  const int got = swr_convert(swr_.get(), converted_.planes(), capacity, in, in_samples);
  if (got < 0) fail(ErrorCode::Internal, "audio conversion failed", got);
  if (got > 0 && av_audio_fifo_write(fifo_.get(), reinterpret_cast<void**>(converted_.planes()), got) < got) throw std::bad_alloc();
}

void AudioSource::feed_frame(AVFrame* frame) {
  const int skip = held_skip_;
  held_skip_ = 0;
  if (skip == 0) {
    convert(const_cast<const uint8_t**>(frame->extended_data), frame->nb_samples);
    return;
  }
  const auto format = static_cast<AVSampleFormat>(frame->format);
  const bool planar = av_sample_fmt_is_planar(format);
  const int channels = frame->ch_layout.nb_channels;
  const int step = av_get_bytes_per_sample(format) * (planar ? 1 : channels);
  std::vector<const uint8_t*> planes(static_cast<size_t>(planar ? channels : 1));
  for (size_t i = 0; i < planes.size(); i++) planes[i] = frame->extended_data[i] + static_cast<ptrdiff_t>(skip) * step;
  convert(planes.data(), frame->nb_samples - skip);
}

void AudioSource::feed_silence(int samples) {
  silence_.reserve(samples, swr_in_layout_.channels(), swr_in_format_);
  silence_.fill_silence(samples);
  convert(silence_.const_planes(), samples);
}

void AudioSource::flush_resampler() {
  for (;;) {
    const int before = av_audio_fifo_size(fifo_.get());
    convert(nullptr, 0);
    if (av_audio_fifo_size(fifo_.get()) == before) return;
  }
}

int AudioSource::read(uint8_t* const* planes, int max) {
  while (av_audio_fifo_size(fifo_.get()) < max && !finished_) {
    cancel_.throw_if_cancelled();
    if (has_held_) {
      ensure_resampler(held_.get());
      if (pending_silence_ > 0) {
        const int n = static_cast<int>(std::min<int64_t>(pending_silence_, kSilenceSlice));
        feed_silence(n);
        pending_silence_ -= n;
        continue;
      }
      feed_frame(held_.get());
      av_frame_unref(held_.get());
      has_held_ = false;
      continue;
    }
    if (!decode_next()) {
      if (swr_) flush_resampler();
      finished_ = true;
    }
  }
  const int n = std::min(max, av_audio_fifo_size(fifo_.get()));
  if (n <= 0) return 0;
  if (av_audio_fifo_read(fifo_.get(), reinterpret_cast<void**>(const_cast<uint8_t**>(planes)), n) < n) fail(ErrorCode::Internal, "audio FIFO underrun");
  samples_read_ += n;
  return n;
}

int AudioSource::bytes_per_sample_frame() const {
  return av_get_bytes_per_sample(info_.sample_format) * info_.layout.channels();
}

}  // namespace dubarr
