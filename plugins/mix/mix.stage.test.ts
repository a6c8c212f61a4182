import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { measureLoudnessSync, probeSync } from '../../native/lib/index.js';
import { contractSuite } from '../sdk/contract.js';
import { FitPlan, MixedTrack, type StageInput, type StageOutput } from '../sdk/index.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import timing from '../timing/index.js';
import { correlation, decode, gainAgainstDb, residualDb, rmsDb, soundSpans } from '../../test/fixtures/audio-checks.js';
import { dubForCues, dubSpeech, SPANISH } from '../../test/fixtures/dub-speech.js';
import { lateAudioMp4, LATE_AUDIO_START, randomBytesFile, twoHourMkv } from '../../test/fixtures/media.js';
import { onsetErrors } from '../../test/fixtures/speech-checks.js';
import { talkVideo, type TalkVideoFixture } from '../../test/fixtures/speech.js';
import plugin from './index.js';

const def = findStage(plugin, 'mix:mix');
const fitDef = findStage(timing, 'timing:fit');

/** The extract document for a file, as ffmpeg:extract writes it (the fields mix reads). */
function extractOf(path: string, container: string) {
  const p = probeSync(path);
  const a = p.streams.find((s) => s.type === 'audio')!;
  return {
    audioStream: a.index, channels: a.channels!, channelLayout: a.channelLayout ?? `${a.channels} channels`, sampleRate: a.sampleRate!,
    startMs: Math.round(((a.startTime ?? 0) - (p.startTime ?? 0)) * 1000), durationMs: Math.round(p.duration! * 1000), container,
  };
}

/** Work dirs of fit runs whose files are mix inputs; removed when the file is done. */
const fitWorkDirs: string[] = [];
after(() => Promise.all(fitWorkDirs.map((d) => rm(d, { recursive: true, force: true }))));

/** The real fit stage on Spanish lines spoken over the fixture's English cues. */
async function fitFor(f: TalkVideoFixture): Promise<StageOutput> {
  const speech = await dubForCues(f.cues);
  const run = await runStageForTest<FitPlan>(fitDef, {
    options: {}, inputs: { speech: outputOf(speech.files, speech.data), extract: outputOf({}, { durationMs: f.durationMs }) },
  });
  fitWorkDirs.push(run.workDir);
  return outputOf(run.result.files!, run.result.data);
}

const mixInput = (fit: StageOutput, media: string, extract: object, options: object = {}): Partial<StageInput> & { options: unknown } =>
  ({ options, inputs: { fit, source: outputOf({ media }), extract: outputOf({}, extract) } });

interface Mixed { track: string; data: MixedTrack; workDir: string }
async function mix(input: Partial<StageInput> & { options: unknown }): Promise<Mixed> {
  const run = await runStageForTest<MixedTrack>(def, input);
  return { track: run.result.files!.track!, data: MixedTrack.parse(run.result.data), workDir: run.workDir };
}

/** Built once and shared by the tests below: a stereo talk video, its fit, and both mixes. */
const stereo = (() => {
  let p: Promise<{ f: TalkVideoFixture; fit: StageOutput; plan: FitPlan; duck: Mixed; dubOnly: Mixed }> | undefined;
  return () => (p ??= (async () => {
    const f = await talkVideo();
    const fit = await fitFor(f);
    const extract = extractOf(f.path, 'mp4');
    const duck = await mix(mixInput(fit, f.path, extract));
    const dubOnly = await mix(mixInput(fit, f.path, extract, { mode: 'dub-only' }));
    return { f, fit, plan: fit.data as FitPlan, duck, dubOnly };
  })());
})();

after(async () => {
  const s = await stereo();
  for (const m of [s.duck, s.dubOnly]) await rm(m.workDir, { recursive: true, force: true });
});

contractSuite({
  plugin,
  stage: 'mix:mix',
  invalidOptions: { duckDb: 6 },
  validInput: async () => {
    const f = await talkVideo();
    return mixInput(await fitFor(f), f.path, extractOf(f.path, 'webm'));
  },
  corruptInput: async () => {
    const f = await talkVideo();
    return mixInput(await fitFor(f), await randomBytesFile(), extractOf(f.path, 'mp4'));
  },
  corruptCode: 'E_MEDIA_UNREADABLE',
  // Two hours of source: the loudness pass alone takes seconds.
  longInput: async () => {
    const media = await twoHourMkv();
    const speech = await dubSpeech([{ id: 'a', start: 3_600_000, end: 3_605_000, text: SPANISH[0]! }]);
    const plan: FitPlan = {
      language: 'es', sampleRate: 22_050, units: [{
        id: 'a', start: 3_600_000, end: 3_605_000, file: 'a', durationMs: speech.data.segments[0]!.durationMs, sourceDurationMs: 1,
        factor: 1, rate: 1, placedStart: 3_600_000, placedEnd: 3_600_000 + speech.data.segments[0]!.durationMs, overflowMs: 0, trimmedMs: 0,
      }],
      summary: { units: 1, stretched: 0, overflows: 0, maxFactor: 1, histogram: {} },
    };
    return mixInput(outputOf(speech.files, plan), media, extractOf(media, 'mkv'));
  },
  async check(run) {
    const data = MixedTrack.parse(run.result.data);
    assert.equal(data.codec, 'opus', 'a WebM source gets Opus');
    assert.equal(data.encoder, 'libopus');
    assert.equal(run.progress.at(-1)?.fraction, 1);
  },
});

test('stereo MP4, duck: AAC stereo track from timeline 0, as long as the video, every line where its unit starts', async () => {
  const { f, plan, duck, dubOnly } = await stereo();
  assert.deepEqual([duck.data.codec, duck.data.channels, duck.data.channelLayout, duck.data.sampleRate, duck.data.offsetMs], ['aac', 2, 'stereo', 48_000, 0]);
  assert.deepEqual(duck.data.dubChannels, ['FL', 'FR']);
  assert.ok(Math.abs(duck.data.durationMs - f.durationMs) <= 50, `${duck.data.durationMs} ms vs ${f.durationMs} ms`);
  const probed = probeSync(duck.track);
  assert.deepEqual(probed.streams.map((s) => [s.type, s.codec, s.channels]), [['audio', 'aac', 2]]);

  // Onsets, found by energy in the dub-only render (nothing else sounds there).
  const alone = await decode(dubOnly.track, { mono: true, rate: 16_000 });
  const spans = soundSpans(alone.channels[0]!, alone.rate);
  const errors = onsetErrors(spans, plan.units.map((u) => ({ start: u.start, end: u.placedEnd, text: u.id })));
  for (const e of errors) assert.ok(e.errorMs !== null && Math.abs(e.errorMs) <= 100, `unit ${e.cue.text} at ${e.cue.start}: onset error ${e.errorMs} ms`);
  assert.equal(spans.length, plan.units.length, 'one sound per line, nothing else');

  // The same lines, in the same places, in the ducked mix.
  const mixed = await decode(duck.track, { mono: true, rate: 16_000 });
  for (const u of plan.units) {
    const c = correlation(mixed.channels[0]!, alone.channels[0]!, 16_000, u.placedStart, u.placedEnd);
    assert.ok(c > 0.9, `unit ${u.id}: the duck mix correlates ${c.toFixed(3)} with the dub alone`);
  }
  for (const u of plan.units) assert.ok(u.placedEnd <= (plan.units.find((x) => x.start > u.start)?.placedStart ?? Infinity), `${u.id} overlaps the next line`);
});

test('stereo MP4, duck: the original is lowered by duckDb under the dub and untouched away from it', async () => {
  const { f, plan, duck } = await stereo();
  const src = (await decode(f.path, { mono: true })).channels[0]!;
  const out = (await decode(duck.track, { mono: true })).channels[0]!;
  for (const u of plan.units) {
    const g = gainAgainstDb(out, src, 48_000, u.placedStart + 100, u.placedEnd - 100);
    assert.ok(Math.abs(g - -12) <= 1.5, `under unit ${u.id} the original is at ${g.toFixed(2)} dB`);
  }
  const quiet = f.silences.filter((s) => s.end - s.start >= 1000).map((s) => ({ from: s.start + 400, to: s.end - 200 }))
    .filter((q) => !plan.units.some((u) => u.placedEnd + 250 > q.from && u.placedStart - 60 < q.to));
  assert.ok(quiet.length >= 3, 'the fixture has pauses away from every line');
  for (const q of quiet) {
    const g = gainAgainstDb(out, src, 48_000, q.from, q.to);
    const level = rmsDb(out, 48_000, q.from, q.to) - rmsDb(src, 48_000, q.from, q.to);
    assert.ok(Math.abs(g) <= 0.5 && Math.abs(level) <= 0.5, `${q.from}-${q.to} ms: gain ${g.toFixed(2)} dB, level ${level.toFixed(2)} dB`);
  }
  assert.equal(duck.data.ducking?.regions, plan.units.length);
});

test('loudness: the source is measured as the native EBU R128 meter does; the dub lands within 1 LU of it', async () => {
  const { f, dubOnly } = await stereo();
  const native = measureLoudnessSync(f.path);
  const l = dubOnly.data.loudness;
  assert.ok(Math.abs(l.sourceLufs! - native.integratedLufs!) <= 0.2, `meter ${l.sourceLufs} vs native ${native.integratedLufs}`);
  assert.equal(l.targetLufs, l.sourceLufs);
  const dub = measureLoudnessSync(dubOnly.track);
  if (l.peakLimited) {
    assert.ok(dub.integratedLufs! <= l.targetLufs + 1 && dub.truePeakDbtp! <= -0.5, JSON.stringify({ l, dub }));
  } else {
    assert.ok(Math.abs(dub.integratedLufs! - l.targetLufs) <= 1, `dub ${dub.integratedLufs} LUFS vs target ${l.targetLufs}`);
  }
  assert.ok(dub.truePeakDbtp! <= 0, `true peak ${dub.truePeakDbtp} dBTP`);
});

test("dub-only: no background, the lines alone", async () => {
  const { plan, dubOnly } = await stereo();
  assert.equal(dubOnly.data.ducking, null);
  const out = (await decode(dubOnly.track, { mono: true })).channels[0]!;
  const first = plan.units[0]!;
  assert.ok(rmsDb(out, 48_000, 0, first.placedStart - 100) < -70, 'silence before the first line');
  for (let i = 0; i + 1 < plan.units.length; i++) {
    const [a, b] = [plan.units[i]!, plan.units[i + 1]!];
    if (b.placedStart - a.placedEnd < 400) continue;
    const level = rmsDb(out, 48_000, a.placedEnd + 100, b.placedStart - 100);
    assert.ok(level < -70, `between ${a.id} and ${b.id}: ${level.toFixed(1)} dBFS`);
  }
});

test('5.1 MKV: a 5.1 track, the dub in the centre over the ducked original centre, every other channel as it was', async () => {
  const f = await talkVideo({ channels: 6, durationMs: 20_000 });
  const fit = await fitFor(f);
  const plan = fit.data as FitPlan;
  const m = await mix(mixInput(fit, f.path, extractOf(f.path, 'mkv')));
  try {
    assert.equal(m.data.channels, 6);
    // The source is 5.1(side); AAC writes its standard 5.1, which readers name.
    assert.equal(m.data.channelLayout, '5.1');
    assert.deepEqual(m.data.dubChannels, ['FC']);
    const track = probeSync(m.track).streams[0]!;
    assert.deepEqual([track.channels, track.channelLayout], [6, '5.1']);
    const src = await decode(f.path);
    const out = await decode(m.track);
    const names = ['FL', 'FR', 'FC', 'LFE', 'SL -> BL', 'SR -> BR'];
    for (const c of [0, 1, 3, 4, 5]) {
      // AAC codes the LFE as a low-frequency channel; the fixture's LFE carries the full-band
      // bed, whose top it loses (~0.6 dB). A duck would take 12 dB.
      const tolerance = names[c] === 'LFE' ? 1 : 0.5;
      const d = rmsDb(out.channels[c]!, 48_000) - rmsDb(src.channels[c]!, 48_000);
      assert.ok(Math.abs(d) <= tolerance, `${names[c]}: ${d.toFixed(2)} dB from the source's background`);
      for (const u of plan.units) {
        const under = rmsDb(out.channels[c]!, 48_000, u.placedStart, u.placedEnd) - rmsDb(src.channels[c]!, 48_000, u.placedStart, u.placedEnd);
        assert.ok(Math.abs(under) <= tolerance, `${names[c]} under ${u.id}: ${under.toFixed(2)} dB (only the centre is ducked)`);
      }
    }
    const [srcC, outC] = [src.channels[2]!, out.channels[2]!];
    for (const u of plan.units) {
      const g = gainAgainstDb(outC, srcC, 48_000, u.placedStart + 100, u.placedEnd - 100);
      assert.ok(Math.abs(g - -12) <= 1.5, `centre under ${u.id}: original at ${g.toFixed(2)} dB`);
      // What is left of the centre once the ducked original is taken out is the dub.
      const dub = residualDb(outC, srcC, 48_000, u.placedStart, u.placedEnd, g);
      assert.ok(dub > rmsDb(srcC, 48_000, u.placedStart, u.placedEnd) - 6, `centre under ${u.id}: dub at ${dub.toFixed(1)} dBFS`);
    }
  } finally {
    await rm(m.workDir, { recursive: true, force: true });
  }
});

test('audio that starts late: the track is rendered from timeline 0, so at offset 0 it lines up with the video', async () => {
  const media = await lateAudioMp4();
  const extract = extractOf(media, 'mp4');
  // The container puts the stream's start at 1.5 s less AAC's priming samples.
  assert.ok(Math.abs(extract.startMs - LATE_AUDIO_START * 1000) <= 25, `${extract.startMs}`);
  const speech = await dubSpeech([{ id: 'a', start: 2600, end: 4400, text: 'Sí.' }]);
  const fit = await runStageForTest<FitPlan>(fitDef, { options: {}, inputs: { speech: outputOf(speech.files, speech.data), extract: outputOf({}, extract) } });
  const m = await mix(mixInput(outputOf(fit.result.files!, fit.result.data), media, extract));
  try {
    assert.equal(m.data.offsetMs, 0);
    assert.ok(Math.abs(m.data.durationMs - extract.durationMs) <= 50);
    const out = (await decode(m.track, { mono: true, rate: 16_000 })).channels[0]!;
    const spans = soundSpans(out, 16_000, -40);
    assert.ok(spans.length > 0 && Math.abs(spans[0]!.start - LATE_AUDIO_START * 1000) <= 30, `the original's tone starts at ${spans[0]?.start} ms`);
    assert.ok(rmsDb(out, 16_000, 0, LATE_AUDIO_START * 1000 - 50) < -70, 'silence before the stream starts');
  } finally {
    await rm(m.workDir, { recursive: true, force: true });
    await rm(fit.workDir, { recursive: true, force: true });
  }
});

test('bad inputs give coded errors', async () => {
  const { f, fit } = await stereo();
  const extract = extractOf(f.path, 'mp4');
  const code = async (input: Partial<StageInput> & { options: unknown }) => {
    try { await runStageForTest(def, input); } catch (e) { return (e as { code?: string }).code; }
    return 'no error';
  };
  const plan = fit.data as FitPlan;
  assert.equal(await code(mixInput(outputOf({ ...fit.files, [plan.units[0]!.file]: '/nonexistent/u0.wav' }, plan), f.path, extract)), 'E_INPUT_NOT_FOUND');
  assert.equal(await code(mixInput(outputOf({}, plan), f.path, extract)), 'E_INVALID_ARGUMENT');
  assert.equal(await code(mixInput(outputOf({}, { ...plan, units: [] }), f.path, extract)), 'E_NO_SPEECH');
  assert.equal(await code(mixInput(fit, f.path, { ...extract, sampleRate: undefined })), 'E_INVALID_ARGUMENT');
  assert.equal(await code(mixInput(fit, f.path, { ...extract, audioStream: 0 })), 'E_NO_AUDIO_STREAM');
  assert.equal(await code(mixInput(fit, '/nonexistent/movie.mp4', extract)), 'E_INPUT_NOT_FOUND');
});
