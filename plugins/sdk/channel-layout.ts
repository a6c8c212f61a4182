/**
 * Which channels of a source layout carry the dialogue: the mix puts the dub there, and the
 * separation takes the voice out of them. Dialogue lives in the centre, so a layout with a
 * centre channel has it there and every other channel is left untouched; without a centre it
 * is the front pair (stereo, quad, 2.1 ...); failing both, channel 0.
 * Layout names are libav's (av_channel_layout_describe), channel names its short names.
 */

/** libav channel names in bit order: the order WAVEFORMATEXTENSIBLE channel masks use. */
const MASK_BITS = ['FL', 'FR', 'FC', 'LFE', 'BL', 'BR', 'FLC', 'FRC', 'BC', 'SL', 'SR', 'TC', 'TFL', 'TFC', 'TFR', 'TBL', 'TBC', 'TBR'];

const NAMED: Readonly<Record<string, string>> = {
  mono: 'FC', stereo: 'FL+FR', '2.1': 'FL+FR+LFE', '3.0': 'FL+FR+FC', '3.0(back)': 'FL+FR+BC', '4.0': 'FL+FR+FC+BC',
  quad: 'FL+FR+BL+BR', 'quad(side)': 'FL+FR+SL+SR', '3.1': 'FL+FR+FC+LFE', '5.0': 'FL+FR+FC+BL+BR',
  '5.0(side)': 'FL+FR+FC+SL+SR', '4.1': 'FL+FR+FC+LFE+BC', '5.1': 'FL+FR+FC+LFE+BL+BR', '5.1(side)': 'FL+FR+FC+LFE+SL+SR',
  '6.0': 'FL+FR+FC+BC+SL+SR', '6.0(front)': 'FL+FR+FLC+FRC+SL+SR', hexagonal: 'FL+FR+FC+BL+BR+BC',
  '6.1': 'FL+FR+FC+LFE+BC+SL+SR', '6.1(back)': 'FL+FR+FC+LFE+BL+BR+BC', '6.1(front)': 'FL+FR+LFE+FLC+FRC+SL+SR',
  '7.0': 'FL+FR+FC+BL+BR+SL+SR', '7.0(front)': 'FL+FR+FC+FLC+FRC+SL+SR', '7.1': 'FL+FR+FC+LFE+BL+BR+SL+SR',
  '7.1(wide)': 'FL+FR+FC+LFE+BL+BR+FLC+FRC', '7.1(wide-side)': 'FL+FR+FC+LFE+FLC+FRC+SL+SR',
  octagonal: 'FL+FR+FC+BL+BR+BC+SL+SR', downmix: 'DL+DR',
};

/** What libav assumes for a bare channel count. */
const DEFAULT_FOR_COUNT = ['', 'mono', 'stereo', '2.1', '4.0', '5.0', '5.1', '6.1', '7.1'];

export interface ChannelPlan {
  /** The layout as described by the source ('5.1(side)'), or the assumed one for a bare count. */
  layout: string;
  names: string[];
  /** Indexes (in the interleaved order) of the dialogue channels: those that get the dub. */
  dub: number[];
  /** WAVEFORMATEXTENSIBLE mask of the layout, 0 when it has channels outside the mask. */
  mask: number;
}

export function channelNames(layout: string, count: number): { layout: string; names: string[] } {
  const named = NAMED[layout];
  // Custom orders read 'FL+FR+LFE' or '3 channels (FL+FR+LFE)'.
  const listed = named ?? /^(?:\d+ channels \()?([A-Z0-9]+(?:\+[A-Z0-9]+)*)\)?$/.exec(layout)?.[1];
  const names = listed?.split('+');
  if (names && names.length === count) return { layout, names };
  const assumed = DEFAULT_FOR_COUNT[count];
  if (assumed) return { layout: assumed, names: NAMED[assumed]!.split('+') };
  return { layout: `${count} channels`, names: Array.from({ length: count }, (_, i) => `c${i}`) };
}

export function planChannels(layout: string, count: number): ChannelPlan {
  const { layout: described, names } = channelNames(layout, count);
  const at = (n: string) => names.indexOf(n);
  let dub: number[];
  if (at('FC') >= 0) dub = [at('FC')];
  else if (at('FL') >= 0 && at('FR') >= 0) dub = [at('FL'), at('FR')];
  else if (at('DL') >= 0 && at('DR') >= 0) dub = [at('DL'), at('DR')];
  else dub = [0];
  let mask = 0;
  for (const n of names) {
    const bit = MASK_BITS.indexOf(n);
    if (bit < 0) { mask = 0; break; }
    mask |= 1 << bit;
  }
  return { layout: described, names, dub, mask: mask >>> 0 };
}
