// Owning handles for libav objects. Every early return or thrown error in the operations
// relies on these to free what was allocated, so no code path frees by hand.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ffmpeg.h"

namespace dubarr {

struct InputFormatDeleter {
  void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
using InputFormatPtr = std::unique_ptr<AVFormatContext, InputFormatDeleter>;

// Output contexts own their AVIO only when the muxer opened a file; closing twice is safe
// because avio_closep nulls the pointer (MuxedOutput closes it first to see write errors).
struct OutputFormatDeleter {
  void operator()(AVFormatContext* c) const {
    if (c->pb && !(c->oformat->flags & AVFMT_NOFILE)) avio_closep(&c->pb);
    avformat_free_context(c);
  }
};
using OutputFormatPtr = std::unique_ptr<AVFormatContext, OutputFormatDeleter>;

struct CodecContextDeleter {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;

struct FrameDeleter {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;

struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;

struct SwrDeleter {
  void operator()(SwrContext* s) const { swr_free(&s); }
};
using SwrPtr = std::unique_ptr<SwrContext, SwrDeleter>;

struct FilterGraphDeleter {
  void operator()(AVFilterGraph* g) const { avfilter_graph_free(&g); }
};
using FilterGraphPtr = std::unique_ptr<AVFilterGraph, FilterGraphDeleter>;

struct FilterInOutDeleter {
  void operator()(AVFilterInOut* io) const { avfilter_inout_free(&io); }
};
using FilterInOutPtr = std::unique_ptr<AVFilterInOut, FilterInOutDeleter>;

struct AudioFifoDeleter {
  void operator()(AVAudioFifo* f) const { av_audio_fifo_free(f); }
};
using AudioFifoPtr = std::unique_ptr<AVAudioFifo, AudioFifoDeleter>;

struct AvFreeDeleter {
  void operator()(void* p) const { av_free(p); }
};

// Sample memory in libav's layout (one block, a pointer per plane) that grows on demand;
// conversions reuse it instead of allocating per frame.
class SampleBuffer {
 public:
  // Contents are not kept when the buffer grows or changes shape.
  void reserve(int samples, int channels, AVSampleFormat format);
  void fill_silence(int samples);
  uint8_t** planes() { return planes_.data(); }
  const uint8_t** const_planes() { return const_cast<const uint8_t**>(planes_.data()); }
  int capacity() const { return capacity_; }

 private:
  std::unique_ptr<uint8_t, AvFreeDeleter> block_;
  std::vector<uint8_t*> planes_;
  int capacity_ = 0;
  int channels_ = 0;
  AVSampleFormat format_ = AV_SAMPLE_FMT_NONE;
};

// Allocation helpers that turn libav's null-on-OOM into std::bad_alloc.
FramePtr make_frame();
PacketPtr make_packet();

// AVDictionary with scope-bound lifetime; get() hands out the address libav APIs expect.
class Dictionary {
 public:
  Dictionary() = default;
  Dictionary(const Dictionary&) = delete;
  Dictionary& operator=(const Dictionary&) = delete;
  ~Dictionary() { av_dict_free(&dict_); }
  void set(const char* key, const std::string& value) { av_dict_set(&dict_, key, value.c_str(), 0); }
  AVDictionary** get() { return &dict_; }

 private:
  AVDictionary* dict_ = nullptr;
};

// AVChannelLayout may own a heap map for custom orders; this keeps uninit on every path.
class ChannelLayout {
 public:
  ChannelLayout() = default;
  explicit ChannelLayout(const AVChannelLayout& src) { av_channel_layout_copy(&layout_, &src); }
  ChannelLayout(const ChannelLayout& o) { av_channel_layout_copy(&layout_, &o.layout_); }
  ChannelLayout& operator=(const ChannelLayout& o) {
    if (this != &o) {
      av_channel_layout_uninit(&layout_);
      av_channel_layout_copy(&layout_, &o.layout_);
    }
    return *this;
  }
  ~ChannelLayout() { av_channel_layout_uninit(&layout_); }

  static ChannelLayout default_for(int channels) {
    ChannelLayout l;
    av_channel_layout_default(&l.layout_, channels);
    return l;
  }
  // Unspecified orders (common in WAV without a mask) are read as the default layout for
  // that channel count, which is what the CLI does too.
  static ChannelLayout normalized(const AVChannelLayout& src) {
    if (src.order == AV_CHANNEL_ORDER_UNSPEC || src.nb_channels <= 0) return default_for(src.nb_channels > 0 ? src.nb_channels : 1);
    return ChannelLayout(src);
  }

  const AVChannelLayout* get() const { return &layout_; }
  AVChannelLayout* get() { return &layout_; }
  int channels() const { return layout_.nb_channels; }
  bool operator==(const ChannelLayout& o) const { return av_channel_layout_compare(&layout_, &o.layout_) == 0; }
  bool operator!=(const ChannelLayout& o) const { return !(*this == o); }
  std::string describe() const;

 private:
  AVChannelLayout layout_{};
};

}  // namespace dubarr
