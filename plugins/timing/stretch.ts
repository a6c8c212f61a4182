/**
 * Pitch-preserving time-stretch of one clip through libavfilter. Rubber Band (phase vocoder
 * with transient handling) sounds cleaner on speech than atempo's WSOLA and keeps the length
 * exact; Debian's FFmpeg has it, other builds may not, so 'auto' falls back to atempo.
 */
import { runFilterGraphSync } from '../../native/lib/index.js';

export type Stretcher = 'rubberband' | 'atempo';
export type StretcherChoice = Stretcher | 'auto';

const FILTERS: Record<Stretcher, (factor: number) => string> = {
  rubberband: (f) => `rubberband=tempo=${f}`,
  atempo: (f) => `atempo=${f}`,
};

/** Remembered per thread: a build without Rubber Band is asked once, not once per unit. */
let rubberbandMissing = false;

function isMissingFilter(e: unknown): boolean {
  return (e as { code?: unknown }).code === 'E_INVALID_ARGUMENT' && /no such filter/i.test(String((e as Error).message));
}

/** Writes `input` sped up by `factor` to `out` (a WAV); returns the method used. */
export function stretchClip(input: string, out: string, factor: number, choice: StretcherChoice, cancelFlag: Int32Array): Stretcher {
  const order: Stretcher[] = choice !== 'auto' ? [choice] : rubberbandMissing ? ['atempo'] : ['rubberband', 'atempo'];
  for (const method of order) {
    try {
      // Explicit [in0]/[out] labels: the addon does not accept a bare single-input chain.
      runFilterGraphSync({ inputs: [input], graph: `[in0]${FILTERS[method](factor)}[out]`, out, codec: 'wav', cancelFlag });
      return method;
    } catch (e) {
      if (choice === 'auto' && method === 'rubberband' && isMissingFilter(e)) {
        rubberbandMissing = true;
        continue;
      }
      throw e;
    }
  }
  throw new Error('unreachable: atempo is always tried last');
}
