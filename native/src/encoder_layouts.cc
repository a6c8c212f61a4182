#include "encoder_layouts.h"

#include <cstring>
#include <initializer_list>
#include <vector>

namespace dubarr {
namespace {

std::vector<ChannelLayout> from_masks(std::initializer_list<uint64_t> masks) {
  std::vector<ChannelLayout> list;
  for (uint64_t mask : masks) {
    ChannelLayout l;
    if (av_channel_layout_from_mask(l.get(), mask) == 0) list.push_back(l);
  }
  return list;
}

// The layouts an encoder takes; empty when it takes any (PCM).
std::vector<ChannelLayout> accepted_layouts(const AVCodec* codec) {
  if (codec->ch_layouts) {
    std::vector<ChannelLayout> list;
    for (const AVChannelLayout* l = codec->ch_layouts; l->nb_channels; l++) list.emplace_back(*l);
    return list;
  }
  // FFmpeg's AAC encoder: only AAC's standard channel configurations (ISO 14496-3 1-7:
  // mono, stereo, 3.0, 4.0, 5.0, 5.1, 7.1). libavcodec would also write 5.1(side), 2.1, 6.1 ...
  // with a program config element, but the esds then says "channel configuration 0": MP4 and
  // Matroska readers (ffprobe among them) report most of those as an unknown layout and many
  // hardware decoders ignore PCEs. Side and back surrounds are the same speakers in 5.1 practice,
  // so 5.1(side) is written as 5.1, exactly as for Opus.
  if (codec->id == AV_CODEC_ID_AAC && std::strcmp(codec->name, "aac") == 0) {
    return from_masks({AV_CH_LAYOUT_MONO, AV_CH_LAYOUT_STEREO, AV_CH_LAYOUT_SURROUND, AV_CH_LAYOUT_4POINT0, AV_CH_LAYOUT_5POINT0_BACK,
                       AV_CH_LAYOUT_5POINT1_BACK, AV_CH_LAYOUT_7POINT1});
  }
  // libopus checks its input against the Vorbis order (RFC 7845 mapping family 1) itself.
  if (codec->id == AV_CODEC_ID_OPUS) {
    return from_masks({AV_CH_LAYOUT_MONO, AV_CH_LAYOUT_STEREO, AV_CH_LAYOUT_SURROUND, AV_CH_LAYOUT_QUAD, AV_CH_LAYOUT_5POINT0_BACK,
                       AV_CH_LAYOUT_5POINT1_BACK, AV_CH_LAYOUT_6POINT1, AV_CH_LAYOUT_7POINT1});
  }
  // FLAC stores a channel count; readers assume these layouts for it (libavcodec's flac.c).
  if (codec->id == AV_CODEC_ID_FLAC) {
    return from_masks({AV_CH_LAYOUT_MONO, AV_CH_LAYOUT_STEREO, AV_CH_LAYOUT_SURROUND, AV_CH_LAYOUT_QUAD, AV_CH_LAYOUT_5POINT0,
                       AV_CH_LAYOUT_5POINT1, AV_CH_LAYOUT_6POINT1, AV_CH_LAYOUT_7POINT1});
  }
  return {};
}

// The speakers of a layout as a mask; 0 when they cannot be named (ambisonic, unknown order).
uint64_t speakers(const ChannelLayout& layout) {
  const AVChannelLayout* l = layout.get();
  if (l->order == AV_CHANNEL_ORDER_NATIVE) return l->u.mask;
  if (l->order != AV_CHANNEL_ORDER_CUSTOM) return 0;
  uint64_t mask = 0;
  for (int i = 0; i < l->nb_channels; i++) {
    const AVChannel ch = av_channel_layout_channel_from_index(l, i);
    if (ch < 0 || ch >= 64) return 0;
    mask |= uint64_t{1} << ch;
  }
  return mask;
}

// Speakers both layouts have. Side and back surrounds count as the same speaker when a layout
// has only one of the pair, as libswresample maps them onto each other at full level.
int shared_speakers(uint64_t a, uint64_t b) {
  int n = __builtin_popcountll(a & b);
  const uint64_t pairs[][2] = {{AV_CH_SIDE_LEFT, AV_CH_BACK_LEFT}, {AV_CH_SIDE_RIGHT, AV_CH_BACK_RIGHT}};
  for (const auto& p : pairs) {
    for (int i = 0; i < 2; i++) {
      const uint64_t x = p[i];
      const uint64_t y = p[1 - i];
      if ((a & x) && !(a & y) && (b & y) && !(b & x)) n++;
    }
  }
  return n;
}

// Keep as many of the input's speakers as possible without adding empty ones: a speaker kept
// counts twice what an added silent channel costs, and ties go to fewer channels. 6.1 becomes
// 5.1 for Opus (the back centre mixed into the surrounds), 2.1 becomes stereo for FLAC, and
// 5.1(side) becomes Opus's 5.1 (side and back surrounds count as the same speakers).
const ChannelLayout& nearest(const std::vector<ChannelLayout>& list, const ChannelLayout& wanted) {
  uint64_t want = speakers(wanted);
  bool any_shared = false;
  for (const ChannelLayout& l : list) any_shared = any_shared || shared_speakers(want, speakers(l)) > 0;
  if (!any_shared) want = 0;  // speakers no candidate has (DL+DR, ambisonics): go by count
  const ChannelLayout* best = nullptr;
  int best_score = 0;
  for (const ChannelLayout& l : list) {
    int score;
    if (want == 0) {  // unnamed channels: the same count, else the closest count below
      score = l.channels() == wanted.channels() ? 1000 : l.channels() < wanted.channels() ? l.channels() : -l.channels();
    } else {
      const int shared = shared_speakers(want, speakers(l));
      score = 2 * shared - (l.channels() - shared);
    }
    if (!best || score > best_score || (score == best_score && l.channels() < best->channels())) {
      best = &l;
      best_score = score;
    }
  }
  return *best;
}

bool listed(const std::vector<ChannelLayout>& list, const ChannelLayout& l) {
  for (const ChannelLayout& x : list) {
    if (x == l) return true;
  }
  return false;
}

}  // namespace

ChannelLayout encoder_layout(const AVCodec* codec, const ChannelLayout& wanted) {
  const std::vector<ChannelLayout> accepted = accepted_layouts(codec);
  if (accepted.empty() || listed(accepted, wanted)) return wanted;
  return nearest(accepted, wanted);
}

}  // namespace dubarr
