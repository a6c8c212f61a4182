import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { readWav, readWavInfo, writeWav } from './wav.js';
import { DubarrError } from './errors.js';

test('WAV round trip (s16, f32) and agreement with ffmpeg-written files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-wav-'));
  try {
    const n = 1600;
    const tone = Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16000));
    for (const fmt of ['s16', 'f32'] as const) {
      const p = join(dir, `${fmt}.wav`);
      await writeWav(p, { sampleRate: 16000, channels: [tone, tone] }, fmt);
      const info = await readWavInfo(p);
      assert.deepEqual([info.sampleRate, info.channels, info.frames, info.format, info.durationMs], [16000, 2, n, fmt, 100]);
      const back = await readWav(p);
      const tol = fmt === 's16' ? 1 / 16384 : 1e-7;
      for (let i = 0; i < n; i += 97) assert.ok(Math.abs(back.channels[1]![i]! - tone[i]!) <= tol);
    }
    const ff = join(dir, 'ff.wav');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=f=1000:d=0.5:r=22050', '-ac', '1', '-c:a', 'pcm_s16le', ff]);
    const info = await readWavInfo(ff);
    assert.deepEqual([info.sampleRate, info.channels, info.frames], [22050, 1, 11025]);
    const bad = join(dir, 'bad.wav');
    await writeFile(bad, 'not audio at all');
    await assert.rejects(readWavInfo(bad), (e: unknown) => e instanceof DubarrError && e.code === 'E_MEDIA_UNREADABLE');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
