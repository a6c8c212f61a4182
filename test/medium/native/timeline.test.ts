/**
 * Timelines: decoding honours Opus pre-skip in Matroska so sample counts and onsets match the
 * ffmpeg CLI's.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { decodeToWav } from '../../../native/lib/index.js';
import * as media from '../../fixtures/media.js';
import { cliSampleCount, cliSamples } from './ffprobe.js';
import { firstSound, readWav } from './signal.js';
import { scratchDir } from './scratch.js';

const dir = scratchDir('timeline');
const ONSET_THRESHOLD = 0.25; // half the onset signal's amplitude: codec pre-echo stays below it

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
