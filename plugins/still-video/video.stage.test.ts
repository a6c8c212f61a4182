import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { probeSync } from '../../native/lib/index.js';
import { contractSuite } from '../sdk/contract.js';
import { colourDistance, frameAt, hexColour, meanColour } from '../sdk/frame-pixels.testkit.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import type { ClipPlan, GeneratedClips } from '../sdk/index.js';
import plugin from './index.js';

const W = 160;
const H = 90;

async function solidImage(dir: string, colour: string): Promise<string> {
  const file = join(dir, 'still.png');
  await sharp({ create: { width: 400, height: 300, channels: 3, background: colour } }).png().toFile(file);
  return file;
}

const plan = (clips: ClipPlan['clips']): ClipPlan => ({ width: W, height: H, fps: 25, clips });
const inputOf = (p: unknown) => ({ options: {}, inputs: { plan: outputOf({}, p) } });

contractSuite({
  plugin,
  stage: 'still-video:video',
  invalidOptions: { zoomTo: 5 },
  unavailableOptions: { ffmpeg: '/nonexistent/ffmpeg' },
  validInput: async () => inputOf(plan([{ id: 'scene-1', prompt: 'A lighthouse at dusk', durationMs: 1200 }])),
  corruptInput: async () => inputOf({ width: W, clips: 'garbage' }),
  corruptCode: 'E_INVALID_ARGUMENT',
  longInput: async () => inputOf(plan(Array.from({ length: 6 }, (_, i) => ({ id: `scene-${i + 1}`, prompt: `scene ${i}`, durationMs: 2000 })))),
  check(run) {
    const clip = probeSync(run.result.files!['scene-1']!);
    const v = clip.streams.find((s) => s.type === 'video')!;
    assert.deepEqual([v.codec, v.width, v.height], ['h264', W, H]);
  },
});

test('each clip lasts exactly its planned duration in whole frames; a given image fills the frame, a prompt becomes a title card', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'still-video-'));
  try {
    const image = await solidImage(dir, '#3366cc');
    const run = await runStageForTest<GeneratedClips>(findStage(plugin, 'video'), inputOf(plan([
      { id: 'scene-1', prompt: 'Rain on the window', durationMs: 1040 },
      { id: 'scene-2', prompt: 'ignored: the image is shown', durationMs: 2000, image },
    ])));
    try {
      assert.deepEqual(run.result.data!.clips, [
        { id: 'scene-1', durationMs: 1040, made: 'still' }, { id: 'scene-2', durationMs: 2000, made: 'still' },
      ]);
      for (const [id, frames] of [['scene-1', 26], ['scene-2', 50]] as const) {
        const v = probeSync(run.result.files![id]!).streams.find((s) => s.type === 'video')!;
        assert.equal(v.frameRate, 25);
        assert.equal(Math.round(v.duration! * 25), frames, `${id}: ${v.duration} s`);
      }
      const pictured = meanColour(frameAt(run.result.files!['scene-2']!, 1.5, W, H), 20, 20, W - 40, H - 40);
      assert.ok(colourDistance(pictured, hexColour('#3366cc')) <= 12, `image clip shows ${pictured}`);
      // Light text on a dark card: light pixels across the middle, none in the corners.
      const card = frameAt(run.result.files!['scene-1']!, 0.5, W, H);
      const light = (x: number, y: number, w: number, h: number) => {
        let n = 0;
        for (let j = y; j < y + h; j++) for (let i = x; i < x + w; i++) if (meanColour(card, i, j, 1, 1).reduce((a, b) => a + b) > 3 * 150) n++;
        return n;
      };
      assert.ok(light(10, H / 2 - 15, W - 20, 30) > 20, 'the prompt is written across the middle');
      assert.equal(light(0, 0, 12, 12), 0, 'the corner is background');
    } finally {
      await rm(run.workDir, { recursive: true, force: true });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an image that is not a picture is a coded error naming the clip', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'still-video-'));
  try {
    const bad = join(dir, 'bad.png');
    await (await import('node:fs/promises')).writeFile(bad, 'not a png');
    await assert.rejects(runStageForTest(findStage(plugin, 'video'), inputOf(plan([{ id: 'scene-3', prompt: 'x', durationMs: 400, image: bad }]))),
      (e: Error & { code?: string }) => e.code === 'E_MEDIA_UNREADABLE' && /scene-3/.test(e.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
