/**
 * `npm run bench -- mix`: the timing fit and the mix on the 48 s talk fixture (stereo AAC MP4,
 * and the 5.1 AC-3 MKV), as wall time and real-time factor (time / media length), with the
 * mix also encoded to FLAC to show how much of it is the AAC encoder; the fit when every line
 * must be stretched; then RSS while mixing a generated 20-minute source (memory must stay
 * flat: < 100 MB growth).
 * Then FFmpeg's two AAC searches (aacCoder 'twoloop' and 'fast') on both fixtures: time, and
 * quality against the lossless (FLAC) render of the same mix: SNR per channel, integrated
 * loudness error and true peak (the −1 dBTP ceiling).
 * Wall times are the best of 2 runs: the machine is shared, the minimum is the least disturbed.
 */
import { rm } from 'node:fs/promises';
import { measureLoudnessSync, probeSync } from '../../native/lib/index.js';
import type { FitPlan, MixedTrack, StageOutput } from '../../plugins/sdk/index.js';
import { outputOf, runStageForTest } from '../../plugins/sdk/testing.js';
import mixPlugin from '../../plugins/mix/index.js';
import timing from '../../plugins/timing/index.js';
import { dubForCues, dubSpeech, SPANISH } from '../fixtures/dub-speech.js';
import { generate } from '../fixtures/media.js';
import { talkVideo } from '../fixtures/speech.js';
import { decode } from '../fixtures/audio-checks.js';

const LONG_SECONDS = 20 * 60;

function extractOf(path: string, container: string) {
  const p = probeSync(path);
  const a = p.streams.find((s) => s.type === 'audio')!;
  return { audioStream: a.index, channels: a.channels!, channelLayout: a.channelLayout!, sampleRate: a.sampleRate!, startMs: 0, durationMs: Math.round(p.duration! * 1000), container };
}

async function timed<T>(fn: () => Promise<{ result: T; workDir: string }>, runs = 2): Promise<{ ms: number; result: T }> {
  let best: { ms: number; result: T } | undefined;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await fn();
    const ms = performance.now() - t0;
    await rm(r.workDir, { recursive: true, force: true });
    if (!best || ms < best.ms) best = { ms, result: r.result };
  }
  return best!;
}

async function fitAndMix(label: string, path: string, container: string, durationMs: number, cues: Array<{ start: number; end: number }>): Promise<string> {
  const speech = await dubForCues(cues);
  const fitInput = { options: {}, inputs: { speech: outputOf(speech.files, speech.data), extract: outputOf({}, { durationMs }) } };
  const fit = await timed(() => runStageForTest<FitPlan>(timing.stages[0]!, fitInput).then((r) => ({ result: r.result, workDir: r.workDir })), 1);
  // Keep one fit run's files for the mixes.
  const kept = await runStageForTest<FitPlan>(timing.stages[0]!, fitInput);
  const fitOut: StageOutput = outputOf(kept.result.files!, kept.result.data);
  const mixOnce = (options: object) => () => runStageForTest<MixedTrack>(mixPlugin.stages[0]!, {
    options, inputs: { fit: fitOut, source: outputOf({ media: path }), extract: outputOf({}, extractOf(path, container)) },
  }).then((r) => ({ result: r.result, workDir: r.workDir }));
  const aac = await timed(mixOnce({}));
  const flac = await timed(mixOnce({ codec: 'flac' }));
  await rm(kept.workDir, { recursive: true, force: true });
  const rtf = (ms: number) => (ms / durationMs).toFixed(3);
  const d = aac.result.data!;
  console.log(`${label} (${(durationMs / 1000).toFixed(0)} s, ${cues.length} lines, stretched ${kept.result.data!.summary.stretched}):`);
  console.log(`  fit ${fit.ms.toFixed(0)} ms (RTF ${rtf(fit.ms)}); mix ${d.codec} ${d.channelLayout} ${aac.ms.toFixed(0)} ms (RTF ${rtf(aac.ms)}); mix flac ${flac.ms.toFixed(0)} ms (RTF ${rtf(flac.ms)})`);
  return `${label}_fit_rtf=${rtf(fit.ms)} ${label}_mix_rtf=${rtf(aac.ms)} ${label}_mix_flac_rtf=${rtf(flac.ms)}`;
}

/**
 * Per channel of `out` against `ref` (the two decode to the same timeline): the SNR over the
 * whole track and the segmental SNR (mean over 20 ms frames with sound, each clamped to
 * [-10, 35] dB), which follows the codec's noise where the signal is quiet, as ears do.
 */
function snrs(ref: Float32Array[], out: Float32Array[], rate: number): Array<{ snr: number; seg: number }> {
  const frame = Math.round(rate / 50);
  return ref.map((r, c) => {
    const o = out[c]!;
    let signal = 0;
    let noise = 0;
    let segSum = 0;
    let segCount = 0;
    for (let at = 0; at + frame <= Math.min(r.length, o.length); at += frame) {
      let s = 0;
      let n = 0;
      for (let i = at; i < at + frame; i++) { s += r[i]! * r[i]!; n += (r[i]! - o[i]!) ** 2; }
      signal += s;
      noise += n;
      if (s / frame < 1e-7) continue; // below -70 dBFS: no sound to judge
      segSum += Math.min(35, Math.max(-10, 10 * Math.log10(s / Math.max(1e-20, n))));
      segCount++;
    }
    return { snr: 10 * Math.log10(signal / Math.max(1e-20, noise)), seg: segSum / Math.max(1, segCount) };
  });
}

/** The mix as FLAC (reference) and as AAC with each coder: time and quality against the reference. */
async function aacCoders(label: string, path: string, container: string, durationMs: number, cues: Array<{ start: number; end: number }>): Promise<string> {
  const speech = await dubForCues(cues);
  const fit = await runStageForTest<FitPlan>(timing.stages[0]!, { options: {}, inputs: { speech: outputOf(speech.files, speech.data), extract: outputOf({}, { durationMs }) } });
  const mixWith = async (options: object) => {
    let best = Infinity;
    let kept: { track: string; workDir: string } | undefined;
    for (let i = 0; i < 2; i++) {
      if (kept) await rm(kept.workDir, { recursive: true, force: true });
      const t0 = performance.now();
      const r = await runStageForTest<MixedTrack>(mixPlugin.stages[0]!, {
        options, inputs: { fit: outputOf(fit.result.files!, fit.result.data), source: outputOf({ media: path }), extract: outputOf({}, extractOf(path, container)) },
      });
      best = Math.min(best, performance.now() - t0);
      kept = { track: r.result.files!.track!, workDir: r.workDir };
    }
    return { ms: best, ...kept! };
  };
  const ref = await mixWith({ codec: 'flac' });
  const refPcm = await decode(ref.track);
  const refLoudness = measureLoudnessSync(ref.track);
  const figures: string[] = [];
  console.log(`${label}: FLAC reference ${refLoudness.integratedLufs} LUFS, ${refLoudness.truePeakDbtp!.toFixed(2)} dBTP (the source's own peaks pass the limiter as they were)`);
  for (const coder of ['twoloop', 'fast'] as const) {
    const m = await mixWith({ codec: 'aac', aacCoder: coder });
    const q = snrs(refPcm.channels, (await decode(m.track)).channels, refPcm.rate);
    const l = measureLoudnessSync(m.track);
    const lufsError = Math.abs(l.integratedLufs! - refLoudness.integratedLufs!);
    const seg = Math.min(...q.map((x) => x.seg));
    console.log(`  aac ${coder.padEnd(7)} mix ${m.ms.toFixed(0)} ms; SNR per channel ${q.map((x) => x.snr.toFixed(1)).join('/')} dB, segmental ${q.map((x) => x.seg.toFixed(1)).join('/')} dB; loudness error ${lufsError.toFixed(2)} LU; true peak ${l.truePeakDbtp!.toFixed(2)} dBTP`);
    figures.push(`${label}_${coder}_ms=${m.ms.toFixed(0)} ${label}_${coder}_min_seg_snr_db=${seg.toFixed(1)} ${label}_${coder}_lufs_err=${lufsError.toFixed(2)} ${label}_${coder}_dbtp=${l.truePeakDbtp!.toFixed(2)}`);
    await rm(m.workDir, { recursive: true, force: true });
  }
  await rm(ref.workDir, { recursive: true, force: true });
  await rm(fit.workDir, { recursive: true, force: true });
  return figures.join(' ');
}

/** Every line in a slot 15 % too short: the fit's cost when it has to stretch them all. */
async function fitStretched(): Promise<string> {
  const lengths = await dubSpeech(SPANISH.map((text, i) => ({ id: `s${i}`, start: 0, end: 1, text })));
  let at = 1000;
  const slots = lengths.data.segments.map((s, i) => {
    const slot = { id: s.id, start: at, end: at + Math.round(s.durationMs / 1.15), text: SPANISH[i]! };
    at = slot.end + 80;
    return slot;
  });
  const speech = await dubSpeech(slots);
  const speechMs = speech.data.segments.reduce((a, s) => a + s.durationMs, 0);
  const run = await timed(() => runStageForTest<FitPlan>(timing.stages[0]!, { options: {}, inputs: { speech: outputOf(speech.files, speech.data) } })
    .then((r) => ({ result: r.result, workDir: r.workDir })));
  const plan = run.result.data!;
  console.log(`fit, all ${plan.summary.stretched} of ${plan.units.length} lines stretched (${(speechMs / 1000).toFixed(1)} s of speech, ${plan.stretcher}): ${run.ms.toFixed(0)} ms, ${(run.ms / plan.units.length).toFixed(0)} ms per line, ${(run.ms / speechMs).toFixed(3)} x the speech's length`);
  return `fit_stretch_ms_per_line=${(run.ms / plan.units.length).toFixed(0)}`;
}

async function memory(): Promise<string> {
  const media = await generate('mix-bench-20min', [
    '-f', 'lavfi', '-i', `anoisesrc=color=pink:amplitude=0.05:sample_rate=48000:duration=${LONG_SECONDS}`,
    '-ac', '2', '-c:a', 'aac', '-b:a', '96k',
  ], 'mp4');
  const slots = Array.from({ length: 20 }, (_, i) => ({ id: `u${i}`, start: 30_000 + i * 58_000, end: 36_000 + i * 58_000, text: SPANISH[i % SPANISH.length]! }));
  const speech = await dubSpeech(slots);
  const fit = await runStageForTest<FitPlan>(timing.stages[0]!, { options: {}, inputs: { speech: outputOf(speech.files, speech.data) } });
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
  const t0 = performance.now();
  const run = await runStageForTest<MixedTrack>(mixPlugin.stages[0]!, {
    options: {}, inputs: { fit: outputOf(fit.result.files!, fit.result.data), source: outputOf({ media }), extract: outputOf({}, extractOf(media, 'mp4')) },
  });
  const ms = performance.now() - t0;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  await rm(run.workDir, { recursive: true, force: true });
  await rm(fit.workDir, { recursive: true, force: true });
  const growth = (peak - base) / 2 ** 20;
  console.log(`20-minute stereo source, 20 lines: mix ${(ms / 1000).toFixed(1)} s (RTF ${(ms / (LONG_SECONDS * 1000)).toFixed(3)}), RSS ${(base / 2 ** 20).toFixed(0)} MB -> peak ${(peak / 2 ** 20).toFixed(0)} MB (+${growth.toFixed(0)} MB)`);
  return `long_mix_rtf=${(ms / (LONG_SECONDS * 1000)).toFixed(3)} long_rss_growth_mb=${growth.toFixed(0)}`;
}

export default async function bench(): Promise<void> {
  const stereo = await talkVideo();
  const surround = await talkVideo({ channels: 6 });
  const results = [
    await fitAndMix('stereo', stereo.path, 'mp4', stereo.durationMs, stereo.cues),
    await fitAndMix('surround', surround.path, 'mkv', surround.durationMs, surround.cues),
    await fitStretched(),
    await memory(),
    await aacCoders('stereo', stereo.path, 'mp4', stereo.durationMs, stereo.cues),
    await aacCoders('surround', surround.path, 'mkv', surround.durationMs, surround.cues),
  ];
  console.log(`RESULT mix ${results.join(' ')}`);
}
