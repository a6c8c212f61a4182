// One video stream, decoded from a seek point: the part thumbnail and clipVideo share.
// Frame times are seconds on the file's timeline (0 = where players show 0:00).
#pragma once

#include <string>

#include "av_handles.h"
#include "cancel.h"

namespace dubarr {

struct SwsDeleter {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;

class VideoSource {
 public:
  // `stream_index` < 0: the best video stream that is not a cover picture.
  VideoSource(const std::string& path, int stream_index, const CancelToken& cancel);

  AVFormatContext* format() const { return input_.get(); }
  AVStream* stream() const { return stream_; }
  // Timeline seconds of a timestamp in the stream's time base (NAN for AV_NOPTS_VALUE).
  double seconds(int64_t ts) const;
  // The file's length in seconds, NAN when unknown.
  double duration() const;
  // Opens the decoder (only the decoding paths need one; a stream copy does not).
  void open_decoder();
  // Moves to a keyframe at or before `seconds`; decoding resumes from there. Needs the
  // decoder: a container without an index (MPEG-PS) seeks by guessing a byte position, which
  // may land after the time, so the first frame is checked and the seek backed off until it
  // is early enough (or at the start).
  void seek(double seconds);
  // The next decoded frame into `frame`; false at the end of the stream.
  bool next_frame(AVFrame* frame);
  // The next packet of this stream (the others are discarded); false at the end.
  bool next_packet(AVPacket* pkt);
  int decode_errors() const { return decode_errors_; }

 private:
  const CancelToken& cancel_;
  InputFormatPtr input_;
  AVStream* stream_ = nullptr;
  int64_t zero_ = 0;  // timeline zero, stream time base
  CodecContextPtr decoder_;
  PacketPtr pkt_ = make_packet();
  bool draining_ = false;
  FramePtr pending_ = make_frame();  // decoded by seek(), handed out first by next_frame()
  bool has_pending_ = false;
  int64_t last_ts_ = AV_NOPTS_VALUE;  // the previous frame's time, for frames that have none
  int64_t frame_step_ = 0;  // one frame in the stream's time base, 0 when the rate is unknown
  bool receive(AVFrame* frame);
  void seek_to(int64_t ts);
  int decode_errors_ = 0;
};

// Width x height scaled to `width` columns with the display aspect (sample aspect ratio
// applied); the height is rounded to a multiple of `align` (2 for 4:2:0 encoders).
struct ScaledSize {
  int width;
  int height;
};
ScaledSize scaled_size(const AVFrame* frame, int width, int align);

// Converts decoded frames to one output size and pixel format; rebuilt if the input changes.
class FrameScaler {
 public:
  FrameScaler(int width, int height, AVPixelFormat format) : width_(width), height_(height), format_(format) {}
  // `out` gets a new buffer each call (an encoder may still hold the previous one).
  void scale(const AVFrame* in, AVFrame* out);

 private:
  int width_;
  int height_;
  AVPixelFormat format_;
  SwsPtr sws_;
};

}  // namespace dubarr
