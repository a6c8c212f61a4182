// Which channel layout an encoder is given. Encoders take a fixed set of layouts (libopus the
// Vorbis order for 1-8 channels, FLAC the layouts its readers assume for each count, AAC its
// standard channel configurations (no PCE layouts: readers report them as unknown), others their
// ch_layouts list); any other input layout is converted by libswresample to the nearest one
// in the set, instead of the encoder refusing it or mislabelling channels.
#pragma once

#include "av_handles.h"

namespace dubarr {

// `wanted` itself when the encoder takes it, else the nearest layout it does take.
ChannelLayout encoder_layout(const AVCodec* codec, const ChannelLayout& wanted);

}  // namespace dubarr
