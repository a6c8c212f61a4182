/**
 * A real server on 127.0.0.1 (port 0) over a test runtime, with GraphQL over HTTP and over
 * WebSocket, and small clients: a JSON POST, a server-sent-events reader, a graphql-ws client.
 */
import assert from 'node:assert/strict';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { bindHttp, type BoundHttp } from '../../../core/cli/serve.js';
import { createHttpApp } from '../../../core/http/app.js';
import { graphqlOverWebSocket, type GraphqlWebSocket } from '../../../core/http/graphql-ws.js';
import type { TestRuntime } from './harness.js';

export interface GqlError { message: string; extensions?: { code?: string; hint?: string } }
export interface GqlResult<T = Record<string, unknown>> { data?: T | null; errors?: GqlError[] }

export interface GqlServer {
  http: BoundHttp;
  ws: GraphqlWebSocket;
  /** http://127.0.0.1:<port> (the listen address may be 0.0.0.0). */
  base: string;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlResult<T>>;
  close(): Promise<void>;
}

export async function gqlServer(t: TestRuntime): Promise<GqlServer> {
  const http = await bindHttp({ ...t.rt.config.server, port: 0 });
  http.mount(createHttpApp(t.rt));
  const ws = graphqlOverWebSocket(t.rt, http.server);
  const base = `http://127.0.0.1:${new URL(http.url).port}`;
  return {
    http, ws, base,
    async gql<T>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
      const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
      const body = await res.json() as GqlResult<T>;
      return body;
    },
    async close() {
      await ws.close();
      await http.close();
    },
  };
}

/** The data of a result that must have no errors. */
export function dataOf<T>(r: GqlResult<T>): T {
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data!;
}

/** The single error of a result, asserting its extensions.code. */
export function errorOf(r: GqlResult<unknown>, code: string): GqlError {
  assert.equal(r.errors?.length, 1, JSON.stringify(r));
  const e = r.errors![0]!;
  assert.equal(e.extensions?.code, code, JSON.stringify(e));
  return e;
}

export interface SseEvent { event: string; data: string }

/**
 * Reads a text/event-stream response to its end, event by event; `onEvent` sees each one as it
 * arrives (to act on the first, say).
 */
export async function readEventStream(res: Response, onEvent: (e: SseEvent) => void | Promise<void> = () => {}): Promise<SseEvent[]> {
  if (res.status !== 200) assert.fail(`${res.status}: ${await res.text()}`);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue; // a keep-alive comment
        const [field, ...rest] = line.split(':');
        const value = rest.join(':').replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length === 0 && event === 'message') continue;
      const e = { event, data: data.join('\n') };
      events.push(e);
      await onEvent(e);
    }
  }
  return events;
}

/** A graphql-ws client on the server's /graphql, with `connectionParams` sent in connection_init. */
export function wsClient(s: Pick<GqlServer, 'base'>, o: { connectionParams?: Record<string, unknown>; headers?: Record<string, string> } = {}): Client {
  const headers = o.headers ?? {};
  return createClient({
    url: `${s.base.replace('http', 'ws')}/graphql`,
    connectionParams: o.connectionParams,
    webSocketImpl: class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) { super(url, protocols, { headers }); }
    },
    retryAttempts: 0,
    lazy: true,
  });
}

/** Every result of one subscription over graphql-ws, until it completes; `onNext` sees each as it arrives. */
export function wsSubscribe<T>(client: Client, query: string, variables: Record<string, unknown> = {}, onNext: (r: GqlResult<T>) => void = () => {}): Promise<Array<GqlResult<T>>> {
  return new Promise((resolve, reject) => {
    const out: Array<GqlResult<T>> = [];
    client.subscribe<T>({ query, variables }, {
      next: (r) => { out.push(r as GqlResult<T>); onNext(r as GqlResult<T>); },
      error: reject,
      complete: () => resolve(out),
    });
  });
}
