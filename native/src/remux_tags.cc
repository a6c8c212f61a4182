// Stream and file properties a remux carries over or sets.
#include <cstring>

#include "errors.h"
#include "remux.h"

namespace dubarr {
namespace {

// Keep the source's codec tag unless the target container spells this codec differently,
// as the CLI does; a foreign tag (e.g. an AVI fourcc) would otherwise be written verbatim.
uint32_t codec_tag_for(const AVCodecParameters* par, const AVOutputFormat* format) {
  unsigned int tag = 0;
  if (!format->codec_tag || av_codec_get_id(format->codec_tag, par->codec_tag) == par->codec_id ||
      !av_codec_get_tag2(format->codec_tag, par->codec_id, &tag)) {
    return par->codec_tag;
  }
  return 0;
}

}  // namespace

void apply_track_tags(AVStream* st, const TrackTags& tags, bool mp4_family) {
  if (tags.language) av_dict_set(&st->metadata, "language", tags.language->c_str(), 0);
  if (tags.title) {
    av_dict_set(&st->metadata, "title", tags.title->c_str(), 0);
    // MP4 has no per-track title; players show the handler name instead.
    if (mp4_family) av_dict_set(&st->metadata, "handler_name", tags.title->c_str(), 0);
  }
  for (const auto& [name, on] : tags.dispositions) {
    const int bit = av_disposition_from_string(name.c_str());
    if (bit < 0) fail(ErrorCode::InvalidArgument, "unknown disposition '" + name + "'");
    if (on) st->disposition |= bit;
    else st->disposition &= ~bit;
  }
}

void copy_stream_properties(const AVStream* in, AVStream* out, const AVOutputFormat* format) {
  check(avcodec_parameters_copy(out->codecpar, in->codecpar), ErrorCode::Internal, "cannot copy stream parameters");
  out->codecpar->codec_tag = codec_tag_for(in->codecpar, format);
  out->time_base = in->time_base;  // a hint; the muxer picks its own in write_header
  out->avg_frame_rate = in->avg_frame_rate;
  out->r_frame_rate = in->r_frame_rate;
  out->sample_aspect_ratio = in->sample_aspect_ratio;
  out->disposition = in->disposition;
  av_dict_copy(&out->metadata, in->metadata, 0);
  // Rotation, HDR and similar stream-level side data ride along with the copy.
  for (int i = 0; i < in->nb_side_data; i++) {
    const AVPacketSideData& sd = in->side_data[i];
    uint8_t* dst = av_stream_new_side_data(out, sd.type, sd.size);
    if (!dst) throw std::bad_alloc();
    std::memcpy(dst, sd.data, sd.size);
  }
}

void copy_chapters(const AVFormatContext* in, AVFormatContext* out, int64_t shift_us) {
  if (in->nb_chapters == 0) return;
  // libavformat frees chapters[0..nb_chapters) and the array in avformat_free_context, so
  // nb_chapters only ever counts fully built entries.
  out->chapters = static_cast<AVChapter**>(av_calloc(in->nb_chapters, sizeof(AVChapter*)));
  if (!out->chapters) throw std::bad_alloc();
  for (unsigned i = 0; i < in->nb_chapters; i++) {
    const AVChapter* src = in->chapters[i];
    auto* ch = static_cast<AVChapter*>(av_mallocz(sizeof(AVChapter)));
    if (!ch) throw std::bad_alloc();
    const int64_t shift = av_rescale_q(shift_us, AV_TIME_BASE_Q, src->time_base);
    ch->id = src->id;
    ch->time_base = src->time_base;
    ch->start = src->start + shift;
    ch->end = src->end + shift;
    av_dict_copy(&ch->metadata, src->metadata, 0);
    out->chapters[out->nb_chapters++] = ch;
  }
}

}  // namespace dubarr
