/**
 * Child process for fuzz.test.ts. The main thread starts a worker thread that decodes
 * mutated copies of the given files with the sync API and reports each outcome; the main
 * thread prints the outcomes as JSON. Run as a separate process so that a crash in native
 * code shows up as a dead child, not as a dead test runner.
 *
 *   node fuzz-child.js <copies-per-file> <seed> <work-dir> <file>...
 */
import { writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';

export interface FuzzOutcome {
  file: string;
  mutation: string;
  probe: string;
  decode: string;
}

interface Job {
  copies: number;
  seed: number;
  dir: string;
  files: string[];
}

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

/** One random corruption of the kind real files suffer: bit rot, holes, cuts, misplaced blocks. */
function mutate(src: Buffer, random: () => number): { data: Buffer; mutation: string } {
  const data = Buffer.from(src);
  const at = () => Math.floor(random() * data.length);
  const kind = Math.floor(random() * 5);
  switch (kind) {
    case 0: {
      const n = 1 + Math.floor(random() * 64);
      for (let i = 0; i < n; i++) data[at()] = Math.floor(random() * 256);
      return { data, mutation: `${n} random bytes` };
    }
    case 1: {
      const start = at();
      const len = Math.floor(random() * 4096);
      data.fill(0, start, Math.min(data.length, start + len));
      return { data, mutation: `zeroed ${len} bytes at ${start}` };
    }
    case 2: {
      const cut = at();
      return { data: data.subarray(0, cut), mutation: `truncated at ${cut}` };
    }
    case 3: {
      const from = at();
      const to = at();
      const len = Math.floor(random() * 2048);
      data.copy(data, to, from, from + len);
      return { data, mutation: `copied ${len} bytes from ${from} to ${to}` };
    }
    default: {
      const where = at();
      const junk = Buffer.alloc(1 + Math.floor(random() * 512));
      for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(random() * 256);
      return { data: Buffer.concat([data.subarray(0, where), junk, data.subarray(where)]), mutation: `inserted ${junk.length} bytes at ${where}` };
    }
  }
}

function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' ? code : `uncoded: ${String((e as Error).message ?? e)}`;
  }
}

async function work(job: Job): Promise<void> {
  const native = await import('../../../native/lib/index.js');
  const random = rng(job.seed);
  const out = join(job.dir, 'decoded.wav');
  for (const file of job.files) {
    const src = readFileSync(file);
    for (let i = 0; i < job.copies; i++) {
      const { data, mutation } = mutate(src, random);
      const path = join(job.dir, `mutant-${i}${extname(file)}`);
      writeFileSync(path, data);
      const result: FuzzOutcome = {
        file,
        mutation,
        probe: outcome(() => native.probeSync(path)),
        decode: outcome(() => native.decodeToWavSync(path, out, { sampleRate: 16000, channels: 'mono' })),
      };
      parentPort!.postMessage(result);
    }
  }
}

if (isMainThread) {
  const [copies, seed, dir, ...files] = process.argv.slice(2);
  const results: FuzzOutcome[] = [];
  const worker = new Worker(new URL(import.meta.url), { workerData: { copies: Number(copies), seed: Number(seed), dir, files } satisfies Job });
  worker.on('message', (m: FuzzOutcome) => results.push(m));
  worker.on('error', (e) => {
    console.error(e);
    process.exitCode = 3;
  });
  worker.on('exit', (code) => {
    process.stdout.write(JSON.stringify(results));
    if (code !== 0) process.exitCode = code;
  });
} else {
  await work(workerData as Job);
}
