/**
 * What the mix needs of a layout besides its dialogue channels (plugins/sdk/channel-layout.ts):
 * loudness weights and the layout an encoder takes.
 */

/** BS.1770 channel weights: surrounds +1.5 dB, LFE not counted. */
export function loudnessWeight(name: string): number {
  if (name === 'LFE' || name === 'LFE2') return 0;
  return ['BL', 'BR', 'BC', 'SL', 'SR', 'TBL', 'TBC', 'TBR', 'SDL', 'SDR'].includes(name) ? 1.41 : 1;
}

/** The layout libopus takes for each channel count (mapping family 1). */
const OPUS_BY_COUNT = ['', 'mono', 'stereo', '3.0', 'quad', '5.0', '5.1', '6.1', '7.1'];
/** Side surrounds are the same speakers as back ones under another name. */
const SIDE_AS_BACK: Readonly<Record<string, string>> = { '5.1(side)': '5.1', '5.0(side)': '5.0', 'quad(side)': 'quad' };

/**
 * The layout to ask the encoder for, when it differs from the input's: libopus refuses
 * 5.1(side) and the like, so those are relabelled (the channels keep their positions).
 * For AAC and FLAC the native encoder picks the nearest layout it can write (5.1(side) becomes
 * AAC's standard 5.1, the same speakers).
 */
export function encoderLayout(codec: string, layout: string, count: number): string | undefined {
  if (codec !== 'opus') return undefined;
  const wanted = SIDE_AS_BACK[layout] ?? layout;
  if (OPUS_BY_COUNT.includes(wanted)) return wanted === layout ? undefined : wanted;
  // Anything else is remixed by libswresample into the count's Opus layout.
  return OPUS_BY_COUNT[count] || undefined;
}
