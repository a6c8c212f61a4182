#include "input.h"

#include <cstring>
#include <new>

#include "errors.h"

namespace dubarr {

InputFormatPtr open_input(const std::string& path, const CancelToken& cancel, const InputOptions& options) {
  AVFormatContext* raw = avformat_alloc_context();
  if (!raw) throw std::bad_alloc();
  raw->interrupt_callback = cancel.interrupt_callback();

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

int64_t timeline_zero(const AVFormatContext* ctx) { return ctx->start_time == AV_NOPTS_VALUE ? 0 : ctx->start_time; }

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
