/**
 * Upload throughput through the tus endpoint over 127.0.0.1 against `cp` of the same file,
 * measured in the same run, and against the floor of any Node upload: a bare node:http server
 * piping the request into a file (no hono, no web streams, no tus). The client is curl in its
 * own process (`-T` streams the file), so the server's event loop is not shared with the
 * sender; every way writes to the same filesystem. The server's RSS is sampled during each upload: an upload that buffered the body
 * would grow it by the file's size. Prints medians of ROUNDS and ends with `RESULT upload ...`.
 */
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Hono } from 'hono';
import { bindHttp } from '../../core/cli/serve.js';
import type { Config } from '../../core/config/schema.js';
import { mountUploads } from '../../core/http/uploads-route.js';
import { openUploadServer } from '../../core/uploads/upload-server.js';
import { writeRandom } from './upload.lib.random-file.js';

const run = promisify(execFile);
const MiB = 1 << 20;
const SIZE = 512 * MiB;
const ROUNDS = 3;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const curlPatch = (url: string, file: string, headers: string[]) =>
  run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'PATCH', '-T', file, '-H', 'Expect:', ...headers.flatMap((h) => ['-H', h]), url]);

/** The baseline: node:http, the request piped into `<dir>/bare.bin`. */
async function bareServer(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    pipeline(req, createWriteStream(join(dir, 'bare.bin'))).then(() => res.writeHead(204).end(), () => res.writeHead(500).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

export default async function bench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-bench-upload-'));
  const http = await bindHttp({ host: '127.0.0.1', port: 0 } as Config['server']);
  const uploads = openUploadServer({ dir: join(dir, 'uploads'), maxBytes: 0, expiryMs: 3_600_000 });
  const app = new Hono();
  mountUploads(app, uploads);
  http.mount(app);
  const bare = await bareServer(dir);
  try {
    const src = join(dir, 'source.bin');
    await writeRandom(src, SIZE);
    // Warm the page cache for both ways alike.
    await run('sh', ['-c', 'cat "$0" > /dev/null', src]);

    const cpS: number[] = [];
    const upS: number[] = [];
    const bareS: number[] = [];
    const rssGrowthMb: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const copy = join(dir, `copy-${i}.bin`);
      let t0 = performance.now();
      await run('cp', [src, copy]);
      cpS.push((performance.now() - t0) / 1000);
      await rm(copy);

      const created = await fetch(`${http.url}/uploads`, { method: 'POST', headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': String(SIZE) } });
      const url = new URL(created.headers.get('location')!, http.url).href;
      const rss0 = process.memoryUsage.rss();
      let rssMax = rss0;
      const sampler = setInterval(() => { rssMax = Math.max(rssMax, process.memoryUsage.rss()); }, 20);
      t0 = performance.now();
      const { stdout } = await curlPatch(url, src, ['Tus-Resumable: 1.0.0', 'Upload-Offset: 0', 'Content-Type: application/offset+octet-stream']);
      upS.push((performance.now() - t0) / 1000);
      clearInterval(sampler);
      rssGrowthMb.push((rssMax - rss0) / MiB);
      const id = url.slice(url.lastIndexOf('/') + 1);
      const written = (await stat(join(dir, 'uploads', id))).size;
      if (stdout !== '204' || written !== SIZE) throw new Error(`upload round ${i}: HTTP ${stdout}, ${written} of ${SIZE} bytes written`);
      await fetch(url, { method: 'DELETE', headers: { 'Tus-Resumable': '1.0.0' } });

      t0 = performance.now();
      await curlPatch(bare.url, src, []);
      bareS.push((performance.now() - t0) / 1000);
      await rm(join(dir, 'bare.bin'));
    }
    const cp = median(cpS);
    const up = median(upS);
    const floor = median(bareS);
    const mbps = (s: number) => SIZE / MiB / s;
    console.log(`file ${SIZE / MiB} MiB, ${ROUNDS} rounds, medians:`);
    console.log(`  cp                       ${cp.toFixed(3)} s  ${mbps(cp).toFixed(0)} MiB/s`);
    console.log(`  tus PATCH over 127.0.0.1 ${up.toFixed(3)} s  ${mbps(up).toFixed(0)} MiB/s  (curl -T, one request)`);
    console.log(`  bare node:http pipe      ${floor.toFixed(3)} s  ${mbps(floor).toFixed(0)} MiB/s  (the floor of a Node upload)`);
    console.log(`  upload / cp throughput   ${(cp / up).toFixed(2)}x (goal >= 0.5x); upload / bare node ${(floor / up).toFixed(2)}x`);
    console.log(`  server RSS growth during an upload: ${rssGrowthMb.map((m) => m.toFixed(0)).join(', ')} MiB (the file is ${SIZE / MiB} MiB)`);
    console.log(`RESULT upload file_mib=${SIZE / MiB} upload_vs_cp=${(cp / up).toFixed(2)} upload_mib_s=${mbps(up).toFixed(0)} cp_mib_s=${mbps(cp).toFixed(0)} upload_s=${up.toFixed(3)} cp_s=${cp.toFixed(3)} upload_vs_bare_node=${(floor / up).toFixed(2)} bare_node_mib_s=${mbps(floor).toFixed(0)} rss_growth_mib_max=${Math.max(...rssGrowthMb).toFixed(0)}`);
  } finally {
    uploads.close();
    await http.close();
    await new Promise((r) => bare.server.close(r));
    await rm(dir, { recursive: true, force: true });
  }
}
