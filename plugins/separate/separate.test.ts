import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { openAudioStream, pcmSamples, probeSync } from '../../native/lib/index.js';
import { contractSuite } from '../sdk/contract.js';
import { SeparatedAudio } from '../sdk/index.js';
import { setModelsDir } from '../sdk/models.js';
import { readWav } from '../sdk/wav.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import { h264Ac3Mkv, randomBytesFile, twoHourMkv } from '../../test/fixtures/media.js';
import { IDENTITY_SETTINGS, MUSIC_HZ, VOICE_HZ, tinySeparationModels, toneAmplitude, voiceOverMusic } from '../../test/fixtures/separation.js';
import { buildTinyModel, installTinyModel, testEntry } from '../../test/fixtures/tiny-models.js';
import { mdxOutputName } from './mdx-chunk-model.js';
import plugin from './index.js';
import { DEFAULT_SEPARATION_MODEL } from './options.js';

const def = findStage(plugin, 'separate:separate');
// The identity model is installed under the default id, so default options find a model.
const models = await tinySeparationModels(DEFAULT_SEPARATION_MODEL);
setModelsDir(models.root);
after(() => rm(models.root, { recursive: true, force: true }));

const workDirs: string[] = [];
after(() => Promise.all(workDirs.map((d) => rm(d, { recursive: true, force: true }))));

function inputFor(media: string, options: object = {}) {
  const audio = probeSync(media).streams.find((s) => s.type === 'audio')!;
  return { options, inputs: { source: outputOf({ media }), extract: outputOf({}, { audioStream: audio.index }) } };
}

async function separate(media: string, options: object = {}) {
  const run = await runStageForTest<SeparatedAudio>(def, inputFor(media, options));
  workDirs.push(run.workDir);
  const data = SeparatedAudio.parse(run.result.data);
  return { data, vocals: await readWav(run.result.files!.vocals!), background: await readWav(run.result.files!.background!), progress: run.progress };
}

/** The stream as the stage reads it: decoded at 44.1 kHz, float, every channel. */
async function decoded(media: string): Promise<Float32Array[]> {
  const audio = probeSync(media).streams.find((s) => s.type === 'audio')!;
  const stream = await openAudioStream(media, { stream: audio.index, sampleRate: 44_100, channels: 'original', format: 'f32' });
  const parts: Float32Array[] = [];
  for (let c = await stream.read(); c; c = await stream.read()) parts.push(Float32Array.from(pcmSamples(c, 'f32') as Float32Array));
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { all.set(p, at); at += p.length; }
  const ch = stream.info.channels;
  return Array.from({ length: ch }, (_, c) => all.filter((_v, i) => i % ch === c));
}

const sameBits = (a: Float32Array, b: Float32Array) => a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

contractSuite({
  plugin,
  stage: 'separate:separate',
  invalidOptions: { crossfadeMs: -1 },
  unavailableOptions: { model: '/nonexistent/separation-model' },
  validInput: async () => inputFor(await voiceOverMusic(1.5)),
  corruptInput: async () => ({ options: {}, inputs: { source: outputOf({ media: await randomBytesFile() }), extract: outputOf({}, { audioStream: 0 }) } }),
  corruptCode: 'E_MEDIA_UNREADABLE',
  longInput: async () => inputFor(await twoHourMkv()),
  check(run) {
    const data = SeparatedAudio.parse(run.result.data);
    assert.deepEqual([data.channels, data.sampleRate], [['FL', 'FR'], 44_100]);
    assert.equal(run.progress.at(-1)?.fraction, 1);
  },
});

test('an identity model gives the stereo source back bit for bit as vocals (background silent) across many chunk boundaries, at a length no chunk divides', async () => {
  const media = await voiceOverMusic(2.345);
  const { data, vocals, background, progress } = await separate(media, { crossfadeMs: 7 });
  const source = await decoded(media);
  assert.equal(data.frames, source[0]!.length);
  assert.ok(data.chunks > 20, `${data.chunks} chunks: the source must cross many chunk boundaries`);
  assert.notEqual(data.frames % (data.chunkFrames - 512 - data.crossfadeFrames), 0, 'the length is not a whole number of chunk steps');
  assert.deepEqual([vocals.sampleRate, vocals.channels.length], [44_100, 2]);
  for (let c = 0; c < 2; c++) {
    assert.ok(sameBits(vocals.channels[c]!, source[c]!), `channel ${c}: the vocals differ from the source`);
    assert.ok(background.channels[c]!.every((v) => v === 0), `channel ${c}: the background is not silent`);
  }
  const fractions = progress.map((p) => p.fraction);
  assert.ok(fractions.length > 5 && fractions.every((f, i) => i === 0 || f >= fractions[i - 1]!), 'progress rises as chunks finish');
});

test('an export whose one output has another name is read by position, still exact', async () => {
  const built = await buildTinyModel('mdx_tiny.py', ['identity', String(IDENTITY_SETTINGS.nFft), String(IDENTITY_SETTINGS.dimF), String(IDENTITY_SETTINGS.dimT), 'vocals_spec']);
  const dir = await installTinyModel(models.root, built, {
    ...testEntry({ id: 'mdx-renamed-output', task: 'separate', provider: 'separate', settings: { ...IDENTITY_SETTINGS } }), files: ['mdx_tiny.onnx'],
  });
  const media = await voiceOverMusic(1.1);
  const { vocals } = await separate(media, { model: dir });
  const source = await decoded(media);
  for (let c = 0; c < 2; c++) assert.ok(sameBits(vocals.channels[c]!, source[c]!), `channel ${c}`);
  assert.equal(mdxOutputName(['vocals_spec'], 'm'), 'vocals_spec');
  assert.throws(() => mdxOutputName(['a', 'b'], 'm'), /none named output/);
});

test('a 48 kHz source is resampled to the model\'s rate as it is read, and still comes back exact', async () => {
  const media = await voiceOverMusic(1.2, 48_000);
  const { data, vocals } = await separate(media);
  const source = await decoded(media);
  assert.equal(data.sampleRate, 44_100);
  for (let c = 0; c < 2; c++) assert.ok(sameBits(vocals.channels[c]!, source[c]!), `channel ${c}`);
});

test('5.1: only the centre channel (where the dub goes) is separated, as one channel, exact', async () => {
  const media = await h264Ac3Mkv();
  const { data, vocals, background } = await separate(media);
  assert.deepEqual([data.channelLayout, data.channels], ['5.1(side)', ['FC']]);
  assert.equal(vocals.channels.length, 1);
  const source = await decoded(media);
  assert.ok(sameBits(vocals.channels[0]!, source[2]!), 'the vocals are the centre channel');
  assert.ok(background.channels[0]!.every((v) => v === 0));
});

test('a band-split model: the voice band goes to the vocals, the music to the background, with no seam where chunks meet', async () => {
  const media = await voiceOverMusic(3);
  const { data, vocals, background } = await separate(media, { model: models.band, crossfadeMs: 20 });
  assert.ok(data.chunks > 10);
  const rate = 44_100;
  const source = await decoded(media);
  // Away from the file's first and last few ms, where the tones start and stop.
  const level = (x: Float32Array, hz: number, from = 0.1, to = 2.9) => toneAmplitude(x, rate, hz, from, to);
  const [left, right] = [0, 1];
  const voice = level(source[left]!, VOICE_HZ);
  const [low, high] = [level(source[left]!, MUSIC_HZ[0]), level(source[right]!, MUSIC_HZ[1])];
  assert.ok(voice > 0.01 && low > 0.01 && high > 0.01, 'the fixture has its voice and music');
  assert.ok(level(source[right]!, MUSIC_HZ[0]) < 1e-4 && level(source[left]!, MUSIC_HZ[1]) < 1e-4, 'each music tone is on one side');
  const within = (got: number, want: number, db: number) => Math.abs(20 * Math.log10(got / want)) < db;
  for (const c of [left, right]) {
    const rest = level(background.channels[c]!, VOICE_HZ);
    assert.ok(rest < voice / 1000, `channel ${c}: the voice is only ${(20 * Math.log10(rest / voice)).toFixed(1)} dB down in the background`);
    assert.ok(within(level(vocals.channels[c]!, VOICE_HZ), voice, 0.1), `channel ${c}: the voice is in the vocals at its level`);
  }
  assert.ok(within(level(background.channels[left]!, MUSIC_HZ[0]), low, 0.1), 'the left music tone stays in the background');
  assert.ok(within(level(background.channels[right]!, MUSIC_HZ[1]), high, 0.1), 'the right music tone stays in the background (past the bins the model sees)');
  assert.ok(level(vocals.channels[left]!, MUSIC_HZ[0]) < low / 1000 && level(vocals.channels[right]!, MUSIC_HZ[1]) < high / 1000, 'no music in the vocals');
  // Every 10 ms window (each chunk boundary included) has the music at its level: a seam would dip or bump.
  for (let t = 0.1; t < 2.9; t += 0.01) {
    const a = level(background.channels[left]!, MUSIC_HZ[0], t, t + 0.01);
    assert.ok(within(a, low, 0.2), `at ${t.toFixed(2)} s the left background's 200 Hz is ${(20 * Math.log10(a / low)).toFixed(2)} dB off`);
  }
});

test('a model that is not installed: unavailable with the pull command, and the stage fails with E_MODEL_MISSING', async () => {
  const a = await plugin.available!(plugin.options.parse({ model: 'uvr-mdx-net-inst-hq-3' }));
  assert.equal(a.ok, false);
  assert.match(a.reason!, /dubarr models pull uvr-mdx-net-inst-hq-3/);
  await assert.rejects(runStageForTest(def, inputFor(await voiceOverMusic(1.5), { model: 'uvr-mdx-net-inst-hq-3' })), (e: Error & { code?: string }) => e.code === 'E_MODEL_MISSING');
});
