#include "av_handles.h"

#include <new>

namespace dubarr {

FramePtr make_frame() {
  AVFrame* f = av_frame_alloc();
  if (!f) throw std::bad_alloc();
  return FramePtr(f);
}

PacketPtr make_packet() {
  AVPacket* p = av_packet_alloc();
  if (!p) throw std::bad_alloc();
  return PacketPtr(p);
}

void SampleBuffer::reserve(int samples, int channels, AVSampleFormat format) {
  if (samples <= capacity_ && channels == channels_ && format == format_) return;
  samples = samples > capacity_ ? samples : capacity_;
  if (channels != channels_ || format != format_) samples = samples > 0 ? samples : 1;
  block_.reset();
  planes_.assign(static_cast<size_t>(channels), nullptr);
  if (av_samples_alloc(planes_.data(), nullptr, channels, samples, format, 0) < 0) throw std::bad_alloc();
  block_.reset(planes_[0]);
  capacity_ = samples;
  channels_ = channels;
  format_ = format;
}

void SampleBuffer::fill_silence(int samples) { av_samples_set_silence(planes_.data(), 0, samples, channels_, format_); }

std::string ChannelLayout::describe() const {
  char buf[128] = {0};
  if (av_channel_layout_describe(&layout_, buf, sizeof buf) < 0) return std::to_string(layout_.nb_channels) + " channels";
  return buf;
}

}  // namespace dubarr
