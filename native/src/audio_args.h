// Reading audio input and encoder descriptions from the objects the TS wrappers built, and
// the result shapes the audio operations share.
#pragma once

#include <napi.h>

#include "audio_source.h"
#include "audio_writer.h"

namespace dubarr {

AudioSourceSpec parse_source_spec(const Napi::Object& o);
Napi::Object source_info_to_js(Napi::Env env, const AudioSourceInfo& info);
AudioEncodeSpec parse_encode_spec(const Napi::Object& o);
Napi::Object written_audio_to_js(Napi::Env env, const std::string& path, const AudioWriter& writer);
const char* sample_format_name(AVSampleFormat format);  // "s16", "f32", or libav's name

}  // namespace dubarr
