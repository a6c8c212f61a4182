#include "remux_layout.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "errors.h"
#include "subtitle_transcoder.h"

namespace dubarr {
namespace {

const Container kMkv{"mkv", "matroska", {"mkv", "mka", "mks"}};
const Container kMp4{"mp4", "mp4", {"mp4", "m4v", "m4a"}};
const Container kMov{"mov", "mov", {"mov"}};
const Container kWebm{"webm", "webm", {"webm"}};

std::string extension_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  const auto dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

bool muxer_accepts(const Container& c, AVCodecID id) {
  const AVOutputFormat* f = av_guess_format(c.muxer.c_str(), nullptr, nullptr);
  return f && avformat_query_codec(f, id, FF_COMPLIANCE_NORMAL) == 1;
}

// The source's own container, when dubarr writes that kind; null otherwise.
const Container* family_of(const AVFormatContext* source, const std::string& path) {
  const std::string name = source->iformat->name;
  const std::string ext = extension_of(path);
  if (name.find("matroska") != std::string::npos) return ext == "webm" ? &kWebm : &kMkv;
  if (name.rfind("mov,mp4", 0) == 0) return ext == "mov" ? &kMov : &kMp4;
  return nullptr;
}

std::string describe(const AVCodecParameters* par, size_t index) {
  return std::string(avcodec_get_name(par->codec_id)) + " (stream " + std::to_string(index) + ")";
}

// The first stream that does not fit, as "codec (stream n)", or empty when all fit.
std::string first_misfit(const Container& c, const std::vector<const AVCodecParameters*>& streams) {
  for (size_t i = 0; i < streams.size(); i++) {
    if (!droppable(streams[i]) && !fate_in(c, streams[i]).fits) return describe(streams[i], i);
  }
  return "";
}

}  // namespace

bool droppable(const AVCodecParameters* par) {
  return par->codec_type == AVMEDIA_TYPE_DATA || par->codec_type == AVMEDIA_TYPE_UNKNOWN;
}

StreamFate fate_in(const Container& c, const AVCodecParameters* par) {
  StreamFate f;
  f.codec = par->codec_id;
  if (par->codec_type == AVMEDIA_TYPE_ATTACHMENT) {
    f.fits = &c == &kMkv;  // fonts and cover files: Matroska attachments only
    return f;
  }
  if (par->codec_type == AVMEDIA_TYPE_SUBTITLE && is_text_subtitle(par->codec_id)) {
    AVCodecID text = AV_CODEC_ID_NONE;
    if (&c == &kMp4 || &c == &kMov) text = AV_CODEC_ID_MOV_TEXT;
    else if (&c == &kWebm) text = AV_CODEC_ID_WEBVTT;
    else if (!muxer_accepts(c, par->codec_id)) text = AV_CODEC_ID_SUBRIP;
    if (text != AV_CODEC_ID_NONE && text != par->codec_id) {
      f.codec = text;
      f.transcode = true;
      f.fits = avcodec_find_encoder(text) != nullptr;
      return f;
    }
  }
  if (par->codec_id == AV_CODEC_ID_NONE) return f;
  f.fits = muxer_accepts(c, par->codec_id);
  return f;
}

ContainerChoice choose_container(const std::string& requested, const AVFormatContext* source, const std::string& source_path,
                                 const std::vector<const AVCodecParameters*>& streams) {
  if (requested == "mkv" || requested == "mp4") {
    const Container& c = requested == "mkv" ? kMkv : kMp4;
    const std::string misfit = first_misfit(c, streams);
    if (!misfit.empty()) {
      fail(ErrorCode::UnsupportedCodec, misfit + " cannot go into " + c.name + "; use container 'auto' or 'mkv'");
    }
    const Container* family = family_of(source, source_path);
    return ContainerChoice{&c, "", family && family->muxer == c.muxer};
  }
  ContainerChoice choice;
  if (const Container* family = family_of(source, source_path)) {
    const std::string misfit = first_misfit(*family, streams);
    if (misfit.empty()) return ContainerChoice{family, "", true};
    choice.fallback_reason = misfit + " cannot go into " + family->name;
  } else {
    choice.fallback_reason = std::string("dubarr writes ") + source->iformat->name + " sources as mkv";
  }
  const std::string misfit = first_misfit(kMkv, streams);
  if (!misfit.empty()) fail(ErrorCode::UnsupportedCodec, misfit + " cannot be stream-copied into any container dubarr writes");
  choice.container = &kMkv;
  return choice;
}

std::string output_path_for(const std::string& out, const Container& c) {
  const std::string ext = extension_of(out);
  if (std::find(c.extensions.begin(), c.extensions.end(), ext) != c.extensions.end()) return out;
  const auto slash = out.find_last_of('/');
  const auto dot = out.find_last_of('.');
  const std::string stem = (dot == std::string::npos || (slash != std::string::npos && dot < slash)) ? out : out.substr(0, dot);
  return stem + "." + c.extensions.front();
}

}  // namespace dubarr
