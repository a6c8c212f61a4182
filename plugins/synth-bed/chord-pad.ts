/**
 * A soft chord pad, our own synthesis: a I-vi-IV-V progression in C, each chord three sine
 * voices with a quieter octave above, faded into the next, a slow tremolo, and the two
 * channels a few cents apart so it sounds wide. Deterministic: the same length gives the same
 * samples.
 */
const CHORDS = [
  [261.63, 329.63, 392.0], // C
  [220.0, 261.63, 329.63], // Am
  [174.61, 220.0, 261.63], // F
  [196.0, 246.94, 293.66], // G
];

export function chordPad(frames: number, sampleRate: number, chordSeconds: number): [Float32Array, Float32Array] {
  const left = new Float32Array(frames);
  const right = new Float32Array(frames);
  const chordFrames = Math.round(chordSeconds * sampleRate);
  const fade = Math.min(chordFrames / 2, Math.round(0.8 * sampleRate));
  const edge = Math.min(frames / 2, 1.5 * sampleRate);
  for (let i = 0; i < frames; i++) {
    const t = i / sampleRate;
    const k = Math.floor(i / chordFrames);
    const into = i - k * chordFrames;
    // Each chord rises while the one before it falls: no click at a change.
    const mixNext = into < fade && k > 0 ? into / fade : 1;
    let l = 0;
    let r = 0;
    for (const [chord, gain] of [[CHORDS[k % 4]!, mixNext], [CHORDS[(k + 3) % 4]!, k > 0 ? 1 - mixNext : 0]] as const) {
      if (gain === 0) continue;
      for (const f of chord) {
        l += gain * (Math.sin(2 * Math.PI * f * t) + 0.3 * Math.sin(4 * Math.PI * f * t));
        r += gain * (Math.sin(2 * Math.PI * f * 1.003 * t) + 0.3 * Math.sin(4 * Math.PI * f * 1.003 * t));
      }
    }
    const tremolo = 0.85 + 0.15 * Math.sin(2 * Math.PI * 0.2 * t);
    const envelope = Math.min(1, i / edge, (frames - 1 - i) / edge);
    left[i] = (l / 6) * tremolo * envelope;
    right[i] = (r / 6) * tremolo * envelope;
  }
  return [left, right];
}
