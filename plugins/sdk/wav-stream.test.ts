import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DubarrError } from './errors.js';
import { readWav, writeWav } from './wav.js';
import { WavReader } from './wav-stream.js';

test('WavReader: positioned mono reads agree with the whole-file reader (s16 stereo, f32, ffmpeg files)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-wavstream-'));
  try {
    const n = 5000;
    const left = Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin(i / 9));
    const right = Float32Array.from({ length: n }, (_, i) => 0.25 * Math.cos(i / 5));
    const ff = join(dir, 'ff.wav');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=f=300:d=0.5:r=16000', '-metadata', 'title=a title', ff]);
    const cases: Array<[string, () => Promise<void>]> = [
      ['s16.wav', () => writeWav(join(dir, 's16.wav'), { sampleRate: 16000, channels: [left, right] }, 's16')],
      ['f32.wav', () => writeWav(join(dir, 'f32.wav'), { sampleRate: 16000, channels: [left] }, 'f32')],
      ['ff.wav', async () => {}],
    ];
    for (const [name, make] of cases) {
      await make();
      const whole = await readWav(join(dir, name));
      const mono = whole.channels[0]!.map((_, i) => whole.channels.reduce((s, c) => s + c[i]!, 0) / whole.channels.length);
      const reader = await WavReader.open(join(dir, name));
      try {
        assert.equal(reader.info.frames, mono.length);
        const out = new Float32Array(700);
        for (const start of [0, 1234, mono.length - 300]) {
          const got = await reader.readMono(start, 700, out);
          assert.equal(got.length, Math.min(700, mono.length - start), name);
          for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i]! - mono[start + i]!) < 1e-6, `${name} @${start + i}`);
        }
        assert.equal((await reader.readMono(mono.length + 10, 100)).length, 0, 'reads past the end are empty');
      } finally {
        await reader.close();
      }
    }
    await writeFile(join(dir, 'bad.wav'), 'RIFF....not a wave file at all');
    await assert.rejects(WavReader.open(join(dir, 'bad.wav')), (e: unknown) => e instanceof DubarrError && e.code === 'E_MEDIA_UNREADABLE');
    await assert.rejects(WavReader.open(join(dir, 'missing.wav')), (e: unknown) => e instanceof DubarrError && e.code === 'E_INPUT_NOT_FOUND');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
