/**
 * A speaker's own clean speech for an instant clone: their longest lines that nobody else
 * talks over, from the extract step's analysis track, up to `seconds` in all, each cut to a
 * WAV of its own (ElevenLabs takes several files per voice).
 */
import { WavReader } from '../sdk/wav-stream.js';
import { encodeWav } from '../sdk/wav.js';
import type { VoicedUnit } from '../sdk/synthesis-units.js';

export interface SpeakerSample { name: string; wav: Buffer; ms: number }

/** The lines to cut for `speaker`: longest first, none overlapping another speaker's line. */
export function cleanLines(units: readonly VoicedUnit[], speaker: string, seconds: number): VoicedUnit[] {
  const others = units.filter((u) => u.speaker !== speaker);
  const clean = units
    .filter((u) => u.speaker === speaker && u.end > u.start)
    .filter((u) => !others.some((o) => o.start < u.end && u.start < o.end))
    .sort((a, b) => (b.end - b.start) - (a.end - a.start) || a.start - b.start);
  const chosen: VoicedUnit[] = [];
  let total = 0;
  for (const u of clean) {
    if (total >= seconds * 1000) break;
    chosen.push(u);
    total += u.end - u.start;
  }
  return chosen.sort((a, b) => a.start - b.start);
}

export async function cutSamples(audioPath: string, lines: readonly VoicedUnit[], speaker: string): Promise<SpeakerSample[]> {
  const reader = await WavReader.open(audioPath);
  try {
    const rate = reader.info.sampleRate;
    const out: SpeakerSample[] = [];
    for (const [i, u] of lines.entries()) {
      const from = Math.round((u.start * rate) / 1000);
      const samples = await reader.readMono(from, Math.round(((u.end - u.start) * rate) / 1000));
      if (samples.length === 0) continue;
      out.push({
        name: `${speaker.replace(/[^\w.-]+/g, '_')}-${String(i + 1).padStart(2, '0')}.wav`,
        wav: encodeWav({ sampleRate: rate, channels: [samples.slice()] }),
        ms: Math.round((samples.length * 1000) / rate),
      });
    }
    return out;
  } finally {
    await reader.close();
  }
}
