/**
 * Each line is bought once, so its speed must be right before the request rather than found
 * by speaking it twice (what the local voices do, synthesis.ts). A voice's reading speed
 * (ms per character at speed 1) is measured from the alignment of the lines it has already
 * spoken; a line that would overflow its slot at that pace is asked for faster, up to
 * maxRate and ElevenLabs' 1.2. A voice's first line, with nothing measured yet, is read at
 * the base speed; whatever still overflows is left to the fit stage.
 */
import { rateToFit } from '../sdk/synthesis.js';
import { MAX_SPEED, MIN_SPEED } from './options.js';

export class ReadingPace {
  private readonly measured = new Map<string, { ms: number; chars: number }>();

  /** Record a spoken line: `seconds` of speech for `chars` characters at `speed`. */
  record(voice: string, chars: number, seconds: number, speed: number): void {
    if (!(chars > 0 && seconds > 0)) return;
    const m = this.measured.get(voice) ?? { ms: 0, chars: 0 };
    m.ms += seconds * 1000 * speed;
    m.chars += chars;
    this.measured.set(voice, m);
  }

  /** ms per character at speed 1, when measured. */
  msPerChar(voice: string): number | undefined {
    const m = this.measured.get(voice);
    return m && m.chars > 0 ? m.ms / m.chars : undefined;
  }

  /** The rate (× base speed) the line should be read at to fit `availableMs`; 1 when nothing is known. */
  rateFor(voice: string, chars: number, availableMs: number, baseSpeed: number, maxRate: number): number {
    const perChar = this.msPerChar(voice);
    if (perChar === undefined) return 1;
    const predictedMs = (perChar * chars) / baseSpeed;
    const ceiling = Math.min(maxRate, MAX_SPEED / baseSpeed);
    return ceiling <= 1 ? 1 : Number(rateToFit(predictedMs, availableMs, ceiling, 0.05).toFixed(3));
  }
}

/** voice_settings.speed for a base speed and rate, within ElevenLabs' bounds. */
export function speedOf(baseSpeed: number, rate: number): number {
  return Number(Math.min(MAX_SPEED, Math.max(MIN_SPEED, baseSpeed * rate)).toFixed(3));
}
