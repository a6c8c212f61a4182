import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededBytes } from '../../test/fixtures/media.js';
import { OverlapAdd, type ChunkModel, type Finished } from './overlap-add.js';

/** A chunk model computing `f` of each sample and remembering where each chunk started in the input. */
function model(frames: number, trim: number, f: (x: number, chunk: number) => number): ChunkModel & { chunks: number } {
  const m = {
    frames, trim, channels: 2, chunks: 0,
    async run(input: readonly Float32Array[], output: readonly Float64Array[]) {
      for (let c = 0; c < 2; c++) for (let i = 0; i < frames; i++) output[c]![i] = f(input[c]![i]!, m.chunks);
      m.chunks++;
    },
  };
  return m;
}

/** Noise in [-1, 1) whose samples are all different, so a shifted copy cannot pass for the original. */
function noise(n: number, seed: number): Float32Array[] {
  const bytes = seededBytes(n * 8, seed);
  return [0, 1].map((c) => Float32Array.from({ length: n }, (_, i) => (bytes.readInt32LE((c * n + i) * 4) / 2 ** 31) + 1e-9 * i));
}

async function separate(m: ChunkModel, crossfade: number, input: Float32Array[], blocks: number[]): Promise<{ out: Float64Array[]; sinkCalls: Finished[] }> {
  const n = input[0]!.length;
  const out = [new Float64Array(n), new Float64Array(n)];
  const sinkCalls: Finished[] = [];
  let at = 0;
  const ola = new OverlapAdd(m, crossfade, async (done) => {
    sinkCalls.push(done);
    for (let c = 0; c < 2; c++) {
      out[c]!.set(done.stem[c]!, at);
      assert.deepEqual(done.input[c], input[c]!.subarray(at, at + done.frames), 'the input handed back with the stem is the stream at the same place');
    }
    at += done.frames;
  });
  let from = 0;
  for (let b = 0; from < n; b++) {
    const len = Math.min(blocks[b % blocks.length]!, n - from);
    await ola.push(input.map((x) => x.subarray(from, from + len)), len);
    from += len;
  }
  await ola.end();
  assert.equal(at, n, 'every input sample comes out once');
  return { out, sinkCalls };
}

test('an identity model gives the input back bit for bit, at every length, chunk boundary and block size', async () => {
  const frames = 1000;
  const trim = 100;
  const crossfade = 150;
  const step = frames - 2 * trim - crossfade;
  for (const n of [0, 1, 99, step - 1, step, step + 1, 2 * step, 2 * step + 1, frames, 7 * step + 333, 10_007]) {
    for (const blocks of [[1024], [1], [37, 700, 3]]) {
      if (blocks[0] === 1 && n > 2000) continue;
      const input = noise(n, n + 1);
      const m = model(frames, trim, (x) => x);
      const { out } = await separate(m, crossfade, input, blocks);
      for (let c = 0; c < 2; c++) {
        const got = Float32Array.from(out[c]!);
        assert.ok(Buffer.from(got.buffer).equals(Buffer.from(input[c]!.buffer)), `length ${n}, blocks ${blocks}: channel ${c} differs`);
      }
      if (n > step + 1) assert.ok(m.chunks >= 2, `length ${n} crosses a chunk boundary`);
    }
  }
});

test('consecutive chunks are blended over exactly the crossfade, with weights that add up to 1', async () => {
  const frames = 1000;
  const trim = 100;
  const crossfade = 200;
  const step = frames - 2 * trim - crossfade;
  const n = 6 * step + 10;
  // Each chunk outputs its own index: the output is k where one chunk is trusted, and goes from
  // k to k + 1 across the crossfade.
  const { out } = await separate(model(frames, trim, (_x, k) => k), crossfade, noise(n, 7), [4096]);
  const y = out[0]!;
  for (let k = 0; k < 5; k++) {
    const start = k * step;
    assert.equal(y[start + crossfade], k, `chunk ${k} alone just after its fade-in`);
    assert.equal(y[start + step - 1], k, `chunk ${k} alone just before the next one fades in`);
    const mid = y[start + step + crossfade / 2]!;
    assert.ok(Math.abs(mid - (k + 0.5)) < 0.01, `half way across the crossfade after chunk ${k}: ${mid}`);
  }
  for (let i = 1; i < n; i++) assert.ok(y[i]! >= y[i - 1]!, 'the blend never steps back');
});

test('a model that is not the identity gives its own output, not the input, after chunking', async () => {
  const input = noise(5000, 3);
  const { out } = await separate(model(1000, 100, (x) => 0.5 * x), 150, input, [512]);
  for (let i = 0; i < 5000; i++) assert.equal(Math.fround(out[1]![i]!), Math.fround(0.5 * input[1]![i]!));
});
