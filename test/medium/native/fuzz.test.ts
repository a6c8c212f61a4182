/**
 * 200 mutated copies of small media files decoded in a worker thread: no crash, every
 * failure a coded error. Deterministic seed, so a failure reproduces.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as media from '../../fixtures/media.js';
import type { FuzzOutcome } from './fuzz-child.js';
import { scratchDir } from './scratch.js';

const EXPECTED = new Set(['ok', 'E_MEDIA_UNREADABLE', 'E_NO_AUDIO_STREAM', 'E_UNSUPPORTED_CODEC']);

it('decodes 200 mutated files in a worker without a crash, every error coded', async () => {
  const files = await Promise.all([media.h264AacMp4(), media.h264Ac3Mkv(), media.vp9OpusWebm(), media.mp3Audio()]);
  const child = spawn(process.execPath, [fileURLToPath(new URL('./fuzz-child.js', import.meta.url)), '50', '20240611', scratchDir('fuzz'), ...files], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  assert.equal(signal, null, 'the child process was killed by a signal (a native crash)');
  assert.equal(code, 0);
  const results = JSON.parse(stdout) as FuzzOutcome[];
  assert.equal(results.length, 200);
  const unexpected = results.filter((r) => !EXPECTED.has(r.probe) || !EXPECTED.has(r.decode));
  assert.deepEqual(unexpected, []);
  // Not vacuous: the mutations must both break files and leave some decodable.
  assert.ok(results.some((r) => r.decode === 'ok'));
  assert.ok(results.some((r) => r.decode !== 'ok'));
});
