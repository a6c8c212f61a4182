#include "input.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

#include "errors.h"

namespace dubarr {

InputFormatPtr open_input(const std::string& path, const CancelToken& cancel, const InputOptions& options) {
  AVFormatContext* raw = avformat_alloc_context();
  if (!raw) throw std::bad_alloc();
  raw->interrupt_callback = cancel.interrupt_callback();
  if (options.generate_pts) raw->flags |= AVFMT_FLAG_GENPTS;

  const AVInputFormat* forced = nullptr;
  if (!options.format.empty()) {
    forced = av_find_input_format(options.format.c_str());
    if (!forced) fail(ErrorCode::Internal, "this FFmpeg build has no '" + options.format + "' demuxer");
  }
  Dictionary dict;
  // Only local files: a playlist or concat file must not make the server fetch URLs.
  dict.set("protocol_whitelist", "file");
  for (const auto& [key, value] : options.demuxer_options) dict.set(key.c_str(), value);

  // "file:" keeps a path containing ':' from being read as a protocol name.
  int ret = avformat_open_input(&raw, ("file:" + path).c_str(), forced, dict.get());
  if (ret < 0) {  // libav freed the context already
    cancel.throw_if_cancelled();
    fail(ErrorCode::MediaUnreadable, "cannot open '" + path + "'", ret);
  }
  InputFormatPtr ctx(raw);
  ret = avformat_find_stream_info(ctx.get(), nullptr);
  if (ret < 0) {
    cancel.throw_if_cancelled();
    fail(ErrorCode::MediaUnreadable, "cannot read the streams of '" + path + "'", ret);
  }
  if (ctx->nb_streams == 0) fail(ErrorCode::MediaUnreadable, "'" + path + "' contains no streams", AVERROR_INVALIDDATA);
  return ctx;
}

namespace {

bool is_matroska(const AVFormatContext* ctx) { return ctx->iformat && std::strncmp(ctx->iformat->name, "matroska", 8) == 0; }

// Where a stream's presentation starts, AV_TIME_BASE units. libav 5.1's Matroska demuxer
// reports a track with a CodecDelay (Opus pre-skip) from its first packet, pre-skip
// included, and, unlike the MP4 and Ogg demuxers, does not move start_time past it; the
// decoder then drops those samples and stamps its first frame CodecDelay later (decode.c
// rounds the delay into the stream's time base, as done here). NOPTS when unknown.
int64_t matroska_presentation_start(const AVStream* st) {
  // Far-out values are damage (fuzzed files); they are left as libav reported them.
  if (st->start_time == AV_NOPTS_VALUE || std::llabs(st->start_time) > (int64_t{1} << 60)) return AV_NOPTS_VALUE;
  int64_t start = st->start_time;
  const AVCodecParameters* par = st->codecpar;
  if (par->codec_type == AVMEDIA_TYPE_AUDIO && par->initial_padding > 0 && par->sample_rate > 0) {
    // The demuxer expressed the delay in 48 kHz units for Opus, in the stream's rate otherwise.
    const int rate = par->codec_id == AV_CODEC_ID_OPUS ? 48000 : par->sample_rate;
    start += av_rescale_q(par->initial_padding, AVRational{1, rate}, st->time_base);
  }
  return av_rescale_q(start, st->time_base, AV_TIME_BASE_Q);
}

}  // namespace

int64_t timeline_zero(const AVFormatContext* ctx) {
  if (ctx->start_time == AV_NOPTS_VALUE) return 0;
  if (!is_matroska(ctx)) return ctx->start_time;
  // libavformat's own rule (update_stream_timings) over the corrected starts: the earliest
  // audio/video start, or a subtitle/data one when it is less than a second earlier.
  int64_t media = INT64_MAX;
  int64_t text = INT64_MAX;
  bool corrected = false;
  for (unsigned i = 0; i < ctx->nb_streams; i++) {
    const AVStream* st = ctx->streams[i];
    const int64_t start = matroska_presentation_start(st);
    if (start == AV_NOPTS_VALUE) continue;
    corrected = corrected || start != av_rescale_q(st->start_time, st->time_base, AV_TIME_BASE_Q);
    const AVMediaType type = st->codecpar->codec_type;
    int64_t& slot = type == AVMEDIA_TYPE_SUBTITLE || type == AVMEDIA_TYPE_DATA ? text : media;
    slot = std::min(slot, start);
  }
  if (!corrected) return ctx->start_time;
  if (media == INT64_MAX) return text == INT64_MAX ? ctx->start_time : text;
  if (text < media && media - text < AV_TIME_BASE) return text;
  return media;
}

int select_audio_stream(AVFormatContext* ctx, int index, const std::vector<std::string>& languages) {
  const int count = static_cast<int>(ctx->nb_streams);
  if (index >= 0) {
    if (index >= count) {
      fail(ErrorCode::InvalidArgument, "stream " + std::to_string(index) + " does not exist (the file has " + std::to_string(count) + " streams)");
    }
    AVMediaType type = ctx->streams[index]->codecpar->codec_type;
    if (type != AVMEDIA_TYPE_AUDIO) {
      fail(ErrorCode::NoAudioStream, "stream " + std::to_string(index) + " is " + media_type_name(type) + ", not audio");
    }
    return index;
  }
  if (!languages.empty()) {
    int first_match = -1;
    std::string available;
    for (int i = 0; i < count; i++) {
      AVStream* st = ctx->streams[i];
      if (st->codecpar->codec_type != AVMEDIA_TYPE_AUDIO) continue;
      const AVDictionaryEntry* tag = av_dict_get(st->metadata, "language", nullptr, 0);
      std::string lang = tag ? tag->value : "und";
      available += (available.empty() ? "" : ", ") + lang;
      for (const std::string& wanted : languages) {
        if (strcasecmp(lang.c_str(), wanted.c_str()) != 0) continue;
        if (st->disposition & AV_DISPOSITION_DEFAULT) return i;
        if (first_match < 0) first_match = i;
      }
    }
    if (first_match >= 0) return first_match;
    fail(ErrorCode::NoAudioStream, "no audio stream in language '" + languages.front() + "' (audio languages: " + (available.empty() ? "none" : available) + ")");
  }
  int best = av_find_best_stream(ctx, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (best < 0) fail(ErrorCode::NoAudioStream, "the file has no audio stream");
  return best;
}

const char* media_type_name(AVMediaType type) {
  switch (type) {
    case AVMEDIA_TYPE_VIDEO: return "video";
    case AVMEDIA_TYPE_AUDIO: return "audio";
    case AVMEDIA_TYPE_SUBTITLE: return "subtitle";
    case AVMEDIA_TYPE_DATA: return "data";
    case AVMEDIA_TYPE_ATTACHMENT: return "attachment";
    default: return "unknown";
  }
}

bool read_packet(AVFormatContext* ctx, AVPacket* pkt, const CancelToken& cancel) {
  for (;;) {
    cancel.throw_if_cancelled();
    int ret = av_read_frame(ctx, pkt);
    if (ret >= 0) return true;
    if (ret == AVERROR(EAGAIN)) {
      av_usleep(1000);
      continue;
    }
    if (ret == AVERROR_EXIT) cancel.throw_if_cancelled();
    if (ret == AVERROR_EOF || ret == AVERROR_INVALIDDATA) return false;
    fail(ErrorCode::MediaUnreadable, "cannot read the input", ret);
  }
}

}  // namespace dubarr
