// Pull-based audio decoding: demux one stream, decode, convert with swresample, and hand
// out exactly as many samples as asked. Memory stays bounded by one packet, one frame and
// the small FIFO of converted samples, however long the input.
//
// Output sample 0 sits at the file's timeline zero (see timeline_zero): a stream that
// starts 1.5 s late begins with 1.5 s of silence, gaps inside the stream are filled, and
// samples the file places before zero (a codec delay the decoder does not drop itself, e.g.
// AAC with a Matroska CodecDelay) are cut, so sample index / rate is a position on the
// video's timeline.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "av_handles.h"
#include "cancel.h"
#include "input.h"

namespace dubarr {

enum class ChannelMode { Original, Mono, Count, Center };

struct AudioSourceSpec {
  std::string path;
  int stream_index = -1;                // absolute index, or -1
  std::vector<std::string> languages;   // accepted language tags when no index is given
  int sample_rate = 0;                  // 0: keep the stream's rate
  ChannelMode channel_mode = ChannelMode::Original;
  int channels = 0;                     // with ChannelMode::Count
  AVSampleFormat sample_format = AV_SAMPLE_FMT_NONE;  // NONE: keep the decoder's format
  InputOptions input;                   // raw PCM inputs name their format here
  int raw_channels = 0;                 // raw PCM: channel count, 0 when only the layout is given
  std::string raw_layout;               // raw PCM: layout name, empty for the count's default
};

struct AudioSourceInfo {
  int stream_index = -1;
  std::string codec;
  int source_sample_rate = 0;
  std::string source_layout;
  int sample_rate = 0;                  // output
  ChannelLayout layout;                 // output
  AVSampleFormat sample_format = AV_SAMPLE_FMT_NONE;  // output
  double timeline_start = 0;            // container start time, seconds
  double stream_start = 0;              // stream start relative to the timeline, seconds
  double duration = NAN;                // timeline length, seconds, NaN when unknown
  bool center_extracted = false;
};

class AudioSource {
 public:
  AudioSource(const AudioSourceSpec& spec, const CancelToken& cancel);
  AudioSource(const AudioSource&) = delete;
  AudioSource& operator=(const AudioSource&) = delete;

  const AudioSourceInfo& info() const { return info_; }
  // Fills up to `max` samples per channel into `planes` (one plane when packed). Returns the
  // count; 0 means the stream has ended.
  int read(uint8_t* const* planes, int max);
  int64_t samples_read() const { return samples_read_; }
  double position() const { return static_cast<double>(samples_read_) / info_.sample_rate; }
  int bytes_per_sample_frame() const;  // all channels, packed view
  // Packets the decoder refused; reported so callers can tell a clean file from a damaged one.
  int64_t decode_errors() const { return decode_errors_; }

 private:
  void open_decoder();
  void choose_output(const AVFrame* first);
  bool decode_next();
  // Positions the frame; returns how many of its leading samples lie before timeline zero.
  int place_on_timeline(const AVFrame* frame);
  void ensure_resampler(const AVFrame* frame);
  void feed_frame(AVFrame* frame);
  void feed_silence(int samples);
  void convert(const uint8_t** in, int in_samples);
  void flush_resampler();

  const CancelToken& cancel_;
  AudioSourceSpec spec_;
  AudioSourceInfo info_;
  InputFormatPtr input_;
  AVStream* stream_ = nullptr;
  CodecContextPtr decoder_;
  SwrPtr swr_;
  AudioFifoPtr fifo_;
  PacketPtr packet_;
  FramePtr held_;                 // decoded, not yet converted (waits behind gap silence)
  bool has_held_ = false;
  int held_skip_ = 0;             // leading samples of held_ that lie before timeline zero
  int64_t pending_silence_ = 0;   // input-rate samples of silence owed before held_
  bool decoder_draining_ = false;
  bool finished_ = false;
  bool any_frame_ = false;

  // What swr_ was configured for; a change mid-stream rebuilds it.
  int swr_in_rate_ = 0;
  AVSampleFormat swr_in_format_ = AV_SAMPLE_FMT_NONE;
  ChannelLayout swr_in_layout_;

  int64_t zero_in_stream_tb_ = 0;  // timeline zero in the stream's time base
  int64_t cursor_ = 0;             // timeline position of the next input sample, at cursor_rate_
  int cursor_rate_ = 0;
  int64_t samples_read_ = 0;
  int64_t decode_errors_ = 0;

  double max_gap_seconds_ = 3600;  // larger jumps are damaged timestamps, not gaps
  SampleBuffer converted_;
  SampleBuffer silence_;
};

AVSampleFormat packed_format(const std::string& name);  // "s16" | "f32"

}  // namespace dubarr
