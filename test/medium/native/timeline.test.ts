/**
 * Timelines: remux never moves the source's streams (the video's packet times in the output are
 * the source's, in MKV, MP4 and WebM), a new track's priming or pre-skip is handled inside that
 * track so its sound lands where it was meant to, and decoding honours Opus pre-skip in
 * Matroska so sample counts and onsets match the ffmpeg CLI's.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { decodeToWav, encodeAudio, remux } from '../../../native/lib/index.js';
import * as media from '../../fixtures/media.js';
import { cliSampleCount, cliSamples, firstFrameTime, packets } from './ffprobe.js';
import { firstSound, readWav } from './signal.js';
import { scratchDir } from './scratch.js';

const dir = scratchDir('timeline');
const ONSET_THRESHOLD = 0.25; // half the onset signal's amplitude: codec pre-echo stays below it
const MS = 0.001;

async function videoPts(path: string): Promise<(number | null)[]> {
  return (await packets(path, 0)).map((p) => p.pts);
}

/** Where a stream's sound begins on the file's timeline, as the ffmpeg CLI decodes it. */
async function onsetInFile(path: string, stream: number): Promise<number> {
  const [start, samples] = await Promise.all([firstFrameTime(path, stream), cliSamples(path, stream, 48000)]);
  return start + firstSound(samples, 48000, ONSET_THRESHOLD);
}

let dubs: Promise<{ aac: string; opus: string }> | undefined;
function onsetDubs(): Promise<{ aac: string; opus: string }> {
  dubs ??= (async () => {
    const wav = await media.onsetWav();
    const [aac, opus] = await Promise.all([
      encodeAudio(wav, join(dir, 'onset.m4a'), { codec: 'aac' }),
      encodeAudio(wav, join(dir, 'onset.opus'), { codec: 'opus' }),
    ]);
    return { aac: aac.path, opus: opus.path };
  })();
  return dubs;
}

describe('remux keeps the source timeline', () => {
  const cases = [
    { name: 'MP4 source -> MKV, new AAC (priming) track', source: media.h264AacMp4, dub: 'aac', container: 'mkv' },
    { name: 'MP4 source -> MP4, new AAC track', source: media.h264AacMp4, dub: 'aac', container: 'mp4' },
    { name: 'MKV source -> MKV, new AAC track', source: media.h264Ac3Mkv, dub: 'aac', container: 'auto' },
    { name: 'WebM source (Opus with CodecDelay) -> WebM, new Opus track', source: media.vp9OpusWebm, dub: 'opus', container: 'auto' },
  ] as const;
  for (const { name, source: make, dub, container } of cases) {
    for (const offset of [0, 0.25]) {
      it(`${name}, offset ${offset} s: video times unchanged, the dub's onset where it belongs`, async () => {
        const source = await make();
        const track = (await onsetDubs())[dub];
        const result = await remux({ source, out: join(dir, `${name.replace(/\W+/g, '-')}-${offset}.${container === 'auto' ? 'mkv' : container}`), container, audio: [{ path: track, language: 'spa', offset }] });
        const dubIndex = result.streams.find((s) => s.origin === 'audio')!.index;
        assert.deepEqual(await videoPts(result.path), await videoPts(source), 'video packet times are the source\'s');
        for (const s of result.streams.filter((x) => x.origin === 'source' && x.type === 'audio')) {
          const [before, after] = await Promise.all([firstFrameTime(source, s.originIndex), firstFrameTime(result.path, s.index)]);
          assert.ok(Math.abs(after - before) < MS, `source audio ${s.originIndex} starts at ${after} s, was ${before} s`);
        }
        const onset = await onsetInFile(result.path, dubIndex);
        const expected = offset + media.ONSET_SECONDS;
        assert.ok(Math.abs(onset - expected) <= MS, `the dub's onset is at ${onset.toFixed(5)} s, expected ${expected} s`);
      });
    }
  }

  it('a source\'s own AAC priming into MKV: video untouched, its audio still starts at 0', async () => {
    const source = await media.h264AacMp4();
    const result = await remux({ source, out: join(dir, 'plain.mkv'), container: 'mkv' });
    assert.deepEqual(await videoPts(result.path), await videoPts(source));
    assert.ok(Math.abs(await firstFrameTime(result.path, 1) - (await firstFrameTime(source, 1))) < MS);
  });
});

describe('decoding honours pre-skip the way the CLI does', () => {
  const cases = [
    // The WebM's tone starts with the file at 1/8 of full scale; the onset fixture steps to 1/2.
    { name: 'Opus in WebM (with video)', make: media.vp9OpusWebm, stream: 1, threshold: 0.05 },
    { name: 'Opus in Matroska (audio only)', make: media.onsetOpusMka, stream: 0, threshold: ONSET_THRESHOLD },
  ];
  for (const { name, make, stream, threshold } of cases) {
    it(`${name}: same sample count and onset as \`ffmpeg -f s16le\``, async () => {
      const input = await make();
      const ours = await decodeToWav(input, join(dir, `${name.replace(/\W+/g, '-')}.wav`), { stream, format: 'f32' });
      assert.equal(ours.samples, await cliSampleCount(input, stream), 'samples per channel');
      const mono = await decodeToWav(input, join(dir, `${name.replace(/\W+/g, '-')}-mono.wav`), { stream, format: 'f32', channels: 'mono' });
      const a = firstSound(readWav(mono.path).samples, 48000, threshold);
      const b = firstSound(await cliSamples(input, stream), 48000, threshold);
      assert.ok(Number.isFinite(a) && Number.isFinite(b), `no sound found (${a}, ${b})`);
      assert.ok(Math.abs(a - b) <= 1 / 48000, `onset ${a} s here, ${b} s from the CLI`);
    });
  }
});

describe('encodeAudio to Matroska', () => {
  it('AAC in .mka: the priming is not played as sound, the onset stays in place', async () => {
    const result = await encodeAudio(await media.onsetWav(), join(dir, 'onset.mka'), { codec: 'aac' });
    const cli = await onsetInFile(result.path, 0);
    assert.ok(Math.abs(cli - media.ONSET_SECONDS) <= MS, `onset at ${cli} s (CLI)`);
    const ours = firstSound(readWav((await decodeToWav(result.path, join(dir, 'onset-mka.wav'), { format: 'f32' })).path).samples, 48000, ONSET_THRESHOLD);
    assert.ok(Math.abs(ours - media.ONSET_SECONDS) <= MS, `onset at ${ours} s (decodeToWav)`);
  });
});
