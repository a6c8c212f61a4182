/**
 * mix.background: separate on real media: a "voice" tone and "music" tones, the separate
 * stage run with a tiny band-split model that calls the voice band voice, then the mix.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { probeSync } from '../../native/lib/index.js';
import { FitPlan, MixedTrack, type StageOutput } from '../sdk/index.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import separatePlugin from '../separate/index.js';
import { decode } from '../../test/fixtures/audio-checks.js';
import { dubSpeech, SPANISH } from '../../test/fixtures/dub-speech.js';
import { MUSIC_HZ, VOICE_HZ, tinySeparationModels, toneAmplitude, voiceOverMusic } from '../../test/fixtures/separation.js';
import plugin from './index.js';

const SECONDS = 6;
const DUB_AT_MS = 1000;
const models = await tinySeparationModels('mdx-identity-test');
const workDirs: string[] = [];
after(async () => {
  await Promise.all(workDirs.map((d) => rm(d, { recursive: true, force: true })));
  await rm(models.root, { recursive: true, force: true });
});

interface Setup { media: string; extract: object; fit: StageOutput; plan: FitPlan; separated: StageOutput }
let setup: Promise<Setup> | undefined;

/** The source, its separation by the band-split model, and one Spanish line at 1 s, fitted as the timing stage would. */
function prepared(): Promise<Setup> {
  return setup ??= (async () => {
    const media = await voiceOverMusic(SECONDS);
    const audio = probeSync(media).streams.find((s) => s.type === 'audio')!;
    const extract = { audioStream: audio.index, channels: 2, channelLayout: 'stereo', sampleRate: 44_100, startMs: 0, durationMs: SECONDS * 1000, container: 'mkv' };
    const run = await runStageForTest(findStage(separatePlugin, 'separate'), {
      options: { model: models.band, crossfadeMs: 20 }, inputs: { source: outputOf({ media }), extract: outputOf({}, extract) },
    });
    workDirs.push(run.workDir);
    const speech = await dubSpeech([{ id: 'a', start: DUB_AT_MS, end: DUB_AT_MS + 2000, text: SPANISH[0]! }]);
    const ms = speech.data.segments[0]!.durationMs;
    const plan: FitPlan = {
      language: 'es', sampleRate: 22_050, units: [{
        id: 'a', start: DUB_AT_MS, end: DUB_AT_MS + 2000, file: 'a', durationMs: ms, sourceDurationMs: ms,
        factor: 1, rate: 1, placedStart: DUB_AT_MS, placedEnd: DUB_AT_MS + ms, overflowMs: 0, trimmedMs: 0,
      }],
      summary: { units: 1, stretched: 0, overflows: 0, maxFactor: 1, histogram: {} },
    };
    return { media, extract, fit: outputOf(speech.files, plan), plan, separated: outputOf(run.result.files!, run.result.data) };
  })();
}

async function mix(options: object, separated: StageOutput | null) {
  const s = await prepared();
  const inputs: Record<string, StageOutput> = { fit: s.fit, source: outputOf({ media: s.media }), extract: outputOf({}, s.extract) };
  if (separated) inputs.separated = separated;
  const run = await runStageForTest<MixedTrack>(findStage(plugin, 'mix'), { options: { codec: 'flac', ...options }, inputs });
  workDirs.push(run.workDir);
  const out = await decode(run.result.files!.track!, { rate: 44_100 });
  return { data: MixedTrack.parse(run.result.data), out, logs: run.logs };
}

const db = (a: number, b: number) => 20 * Math.log10(a / b);

test('background: separate lays the dub over the original without its voice, the music at full level under the dub too', async () => {
  const s = await prepared();
  const source = await decode(s.media, { rate: 44_100 });
  const { data, out } = await mix({ background: 'separate' }, s.separated);
  assert.equal(data.background, 'separated');
  assert.deepEqual(data.separation, { model: 'mdx-band-test', channels: ['FL', 'FR'] });
  assert.equal(data.ducking, null, 'nothing is ducked');
  const level = (x: Float32Array, hz: number, from: number, to: number) => toneAmplitude(x, 44_100, hz, from, to);
  const dubEnd = s.plan.units[0]!.placedEnd / 1000;
  const quiet: Array<[number, number]> = [[0.1, DUB_AT_MS / 1000 - 0.1], [dubEnd + 0.3, SECONDS - 0.1]];
  for (const [from, to] of quiet) {
    for (const c of [0, 1]) {
      const voice = level(source.channels[c]!, VOICE_HZ, from, to);
      const left = level(out.channels[c]!, VOICE_HZ, from, to);
      assert.ok(db(left, voice) < -50, `${from}-${to} s, channel ${c}: the original voice is only ${db(left, voice).toFixed(1)} dB down`);
    }
    assert.ok(Math.abs(db(level(out.channels[0]!, MUSIC_HZ[0], from, to), level(source.channels[0]!, MUSIC_HZ[0], from, to))) < 0.2, 'the left music is kept');
    assert.ok(Math.abs(db(level(out.channels[1]!, MUSIC_HZ[1], from, to), level(source.channels[1]!, MUSIC_HZ[1], from, to))) < 0.2, 'the right music is kept');
  }
  // Under the dub (espeak's 22 kHz voice has nothing at 15 kHz): the music is not lowered.
  const under = [DUB_AT_MS / 1000 + 0.1, dubEnd - 0.1] as const;
  assert.ok(Math.abs(db(level(out.channels[1]!, MUSIC_HZ[1], ...under), level(source.channels[1]!, MUSIC_HZ[1], ...under))) < 0.2, 'the music under the dub is at full level');
});

test('background: duck (the default) keeps the original voice and ducks the music under the dub, separation or not', async () => {
  const s = await prepared();
  const source = await decode(s.media, { rate: 44_100 });
  const { data, out } = await mix({}, s.separated);
  assert.equal(data.background, 'ducked');
  assert.equal(data.separation, undefined);
  const before = [0.1, DUB_AT_MS / 1000 - 0.2] as const;
  assert.ok(Math.abs(db(toneAmplitude(out.channels[0]!, 44_100, VOICE_HZ, ...before), toneAmplitude(source.channels[0]!, 44_100, VOICE_HZ, ...before))) < 0.2, 'the original voice plays');
  const dubEnd = s.plan.units[0]!.placedEnd / 1000;
  const under = [DUB_AT_MS / 1000 + 0.2, dubEnd - 0.1] as const;
  const ducked = db(toneAmplitude(out.channels[1]!, 44_100, MUSIC_HZ[1], ...under), toneAmplitude(source.channels[1]!, 44_100, MUSIC_HZ[1], ...under));
  assert.ok(Math.abs(ducked - -12) < 0.5, `the music under the dub is ducked by ${ducked.toFixed(1)} dB`);
});

test('background: separate with no separation (the step was skipped: no model installed) ducks as before and says so', async () => {
  const s = await prepared();
  const skipped: StageOutput = { files: {}, data: null, hash: 'skipped' };
  const { data, logs } = await mix({ background: 'separate' }, skipped);
  assert.equal(data.background, 'ducked');
  assert.ok(data.ducking && data.ducking.regions === 1);
  assert.ok(logs.some((l) => l.level === 'warn' && /no separation ran/.test(l.msg ?? '')), 'the log says why the original is ducked');
  void s;
});

test('the mix reads the separation only with background: separate in duck mode, so the job skips the separate step otherwise', () => {
  const stage = findStage(plugin, 'mix');
  const reads = (o: object) => stage.readsInput!('separated', plugin.options.parse(o));
  assert.deepEqual([reads({}), reads({ background: 'separate' }), reads({ background: 'separate', mode: 'dub-only' })], [false, true, false]);
  assert.equal(stage.readsInput!('fit', plugin.options.parse({})), true);
});
