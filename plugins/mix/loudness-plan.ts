/**
 * The dub's gain. Rule: the dub's integrated loudness (BS.1770-4, measured as it will sit in
 * the output channels) is set equal to the source stream's integrated loudness, so the new
 * track plays as loud as the one it replaces; a film's integrated loudness is anchored on its
 * dialogue, which is what the dub replaces. The gain is then lowered, if needed, so the dub's
 * true peak stays under the ceiling (-1 dBTP). A silent source gives no target: -23 LUFS
 * (EBU R128) is used. With loudnessMatch off the dub keeps its level, still under the ceiling.
 */
export const FALLBACK_TARGET_LUFS = -23;

export interface LoudnessInputs {
  sourceLufs: number | null;
  /** The dub lines as one mono signal. */
  dubMonoLufs: number | null;
  dubTruePeakDbtp: number | null;
  /** BS.1770 weights of the channels the (same) dub signal is copied to. */
  dubChannelWeights: readonly number[];
  loudnessMatch: boolean;
  ceilingDbtp: number;
}

export interface LoudnessDecision {
  rule: string;
  sourceLufs: number | null;
  targetLufs: number;
  dubLufsBefore: number | null;
  dubLufsAfter: number | null;
  gainDb: number;
  dubTruePeakDbtp: number | null;
  peakLimited: boolean;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export function decideDubGain(i: LoudnessInputs): LoudnessDecision {
  const targetLufs = i.sourceLufs ?? FALLBACK_TARGET_LUFS;
  // An identical signal in n channels of weight w adds 10*log10(sum of w) LU.
  const weightSum = i.dubChannelWeights.reduce((a, b) => a + b, 0);
  const before = i.dubMonoLufs === null || weightSum <= 0 ? null : i.dubMonoLufs + 10 * Math.log10(weightSum);
  let gainDb = i.loudnessMatch && before !== null ? targetLufs - before : 0;
  let peakLimited = false;
  if (i.dubTruePeakDbtp !== null && i.dubTruePeakDbtp + gainDb > i.ceilingDbtp) {
    gainDb = i.ceilingDbtp - i.dubTruePeakDbtp;
    peakLimited = true;
  }
  const rule = !i.loudnessMatch
    ? `loudness matching off: the dub keeps its level (true peak kept under ${i.ceilingDbtp} dBTP)`
    : i.sourceLufs === null
      ? `the source is silent: dub set to ${FALLBACK_TARGET_LUFS} LUFS (EBU R128), true peak under ${i.ceilingDbtp} dBTP`
      : `dub integrated loudness = source stream integrated loudness (BS.1770-4, as placed in the output channels), true peak under ${i.ceilingDbtp} dBTP`;
  return {
    rule,
    sourceLufs: i.sourceLufs === null ? null : round2(i.sourceLufs),
    targetLufs: round2(targetLufs),
    dubLufsBefore: before === null ? null : round2(before),
    dubLufsAfter: before === null ? null : round2(before + gainDb),
    gainDb: round2(gainDb),
    dubTruePeakDbtp: i.dubTruePeakDbtp === null ? null : round2(i.dubTruePeakDbtp + gainDb),
    peakLimited,
  };
}
