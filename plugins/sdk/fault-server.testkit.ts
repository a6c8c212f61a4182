/**
 * Test support: an HTTP server on 127.0.0.1 that answers from a script, one act per request, as
 * misbehaving vendors do: a status with headers and body, an answer held until the test releases
 * it (slower than any timeout, without a timer race), or a connection reset in the middle of the
 * body. It counts the requests it received and keeps their bodies.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Act =
  | { status: number; headers?: Record<string, string>; body?: string | object }
  /** Keep the request open (never answer) until release(); then it is dropped. */
  | { hold: true }
  /** Send the status line, headers and the first bytes of a longer body, then reset the connection. */
  | { resetMidBody: true };

export interface FaultServer {
  url: string;
  /** Requests received, in order. */
  readonly requests: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }>;
  /** Resolves when the server has received `n` requests in all. */
  received(n: number): Promise<void>;
  /** Ends every held request. */
  release(): void;
  close(): Promise<void>;
}

/** `script` is read in order; the last act repeats once the script runs out. */
export async function startFaultServer(script: Act[] | ((n: number, req: IncomingMessage, body: string) => Act)): Promise<FaultServer> {
  const requests: FaultServer['requests'] = [];
  const held: ServerResponse[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const pick = (n: number, req: IncomingMessage, body: string): Act =>
    typeof script === 'function' ? script(n, req, body) : script[Math.min(n, script.length - 1)]!;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const n = requests.length;
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const act = pick(n, req, body);
      for (const w of waiters.filter((x) => requests.length >= x.n)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
      if ('hold' in act) { held.push(res); return; }
      if ('resetMidBody' in act) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
        res.write('{"translations":[{"text":"Hal', () => res.socket?.resetAndDestroy());
        return;
      }
      const text = act.body === undefined ? '' : typeof act.body === 'string' ? act.body : JSON.stringify(act.body);
      const type = typeof act.body === 'object' ? 'application/json' : 'text/plain';
      res.writeHead(act.status, { 'content-type': type, ...act.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    received: (n) => new Promise<void>((resolve) => {
      if (requests.length >= n) resolve(); else waiters.push({ n, resolve });
    }),
    release: () => { for (const r of held.splice(0)) r.socket?.destroy(); },
    close: () => new Promise<void>((resolve) => {
      for (const r of held.splice(0)) r.socket?.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A clock that never sleeps: it records each wait and moves its own time on by it. */
export function fakeClock(random = 0.5) {
  const waits: number[] = [];
  let t = 1_000_000;
  return {
    waits,
    now: () => t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw Object.assign(new Error('Cancelled'), { code: 'E_CANCELLED' });
      waits.push(ms);
      t += ms;
    },
    random: () => random,
  };
}
