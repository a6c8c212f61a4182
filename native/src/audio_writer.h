// Encodes PCM into an audio file (AAC, Opus, FLAC, PCM WAV) through libavcodec and a muxer.
// Takes samples in any format; converts and re-frames them to what the encoder needs.
#pragma once

#include <cstdint>
#include <string>

#include "av_handles.h"
#include "cancel.h"
#include "output.h"

namespace dubarr {

struct AudioFormat {
  int sample_rate = 0;
  ChannelLayout layout;
  AVSampleFormat format = AV_SAMPLE_FMT_NONE;
};

struct AudioEncodeSpec {
  std::string encoder;   // libavcodec encoder name: aac, libopus, flac, pcm_s16le, ...
  std::string muxer;     // libavformat muxer name: ipod, adts, ogg, flac, wav, matroska, ...
  int64_t bitrate = 0;   // bits per second; 0 lets the encoder choose
  int sample_rate = 0;   // 0 keeps the input rate (moved to the nearest the encoder supports)
  int channels = 0;      // 0 keeps the input channels
  std::string layout;    // "5.1", "stereo", ...; wins over `channels`
  std::string aac_coder; // FFmpeg AAC encoder's aac_coder ("twoloop", "fast"); empty: its default
};

class AudioWriter {
 public:
  AudioWriter(const std::string& path, const AudioEncodeSpec& spec, const AudioFormat& input, const CancelToken& cancel);

  void write(const uint8_t* const* planes, int samples);
  void finish();

  const AudioFormat& output_format() const { return output_; }
  int64_t samples_written() const { return next_pts_; }
  const std::string& codec_name() const { return codec_name_; }

 private:
  void open_encoder(const AVCodec* codec, const AudioEncodeSpec& spec);
  void push_fifo(const uint8_t* const* planes, int samples);
  void encode_from_fifo(bool final);
  void encode(AVFrame* frame);

  const CancelToken& cancel_;
  AudioFormat input_;
  AudioFormat output_;
  std::string codec_name_;
  MuxedOutput out_;
  AVStream* stream_ = nullptr;
  CodecContextPtr encoder_;
  SwrPtr swr_;  // only when the input format differs from the encoder's
  AudioFifoPtr fifo_;
  FramePtr frame_;
  PacketPtr packet_;
  SampleBuffer converted_;
  int frame_size_ = 0;
  bool variable_frames_ = false;
  bool drop_before_zero_ = false;
  int64_t next_pts_ = 0;
};

}  // namespace dubarr
