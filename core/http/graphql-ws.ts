/**
 * GraphQL over WebSocket (the graphql-ws protocol) at /graphql, on the node HTTP server's
 * upgrade event: an upgrade does not pass through hono, so the request guard's checks are
 * made here (Host, Origin, API key).
 */
import type { ServerType } from '@hono/node-server';
import { GraphQLError, type DocumentNode, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { DubarrError, type ErrorCode } from '../../plugins/sdk/errors.js';
import type { Runtime } from '../app/runtime.js';
import { apiKeyRequired } from '../auth/exposure.js';
import { errorBody } from './error-response.js';
import { graphqlServices } from './graphql.js';
import { hostAllowed, keyInHeaders } from './request-guard.js';
import { createGraphqlServer } from '../graphql/yoga.js';

const PATH = '/graphql';

export interface GraphqlWebSocket {
  /** Closes every WebSocket connection (their subscriptions end). */
  close(): Promise<void>;
}

/** An upgrade refused with a coded error, as the HTTP guard would answer it. */
function refuse(socket: Duplex, code: ErrorCode, message: string): void {
  const err = new DubarrError(code, message);
  const body = JSON.stringify(errorBody(err));
  socket.end(`HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * A browser sends the page's Origin on a WebSocket, and no CORS rule applies to WebSockets:
 * without this, any web page open on this machine could subscribe to a server on 127.0.0.1
 * that needs no key. Same-origin pages (the built-in page) and server.cors.origins may;
 * clients that are not browsers send no Origin.
 */
function originAllowed(req: IncomingMessage, origins: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (origins.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * Serves graphql-ws at /graphql with the HTTP door's schema, limits and error masking. When
 * keys are required, a key in the upgrade's headers (Authorization: Bearer, X-Api-Key) or, for
 * browsers (which cannot set those), in connection_init's payload `{ apiKey }` is needed: an
 * upgrade with a wrong key is refused with 401, a connection without one is closed with 4403.
 */
export function graphqlOverWebSocket(rt: Runtime, server: ServerType): GraphqlWebSocket {
  const cfg = rt.config.server;
  const yoga = createGraphqlServer(graphqlServices(rt), { graphiql: false, log: rt.log });
  const wss = new WebSocketServer({ noServer: true, maxPayload: cfg.maxRequestBytes });
  const keyRequired = apiKeyRequired(cfg);
  const hostNames = [cfg.host, ...cfg.allowedHosts].map((h) => h.toLowerCase());
  /** Upgrades whose headers carried a valid key. */
  const keyed = new WeakSet<IncomingMessage>();
  const log = rt.log.child({ component: 'graphql-ws' });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== PATH) {
      refuse(socket, 'E_INVALID_ARGUMENT', `WebSocket connections are served at ${PATH} only`);
      return;
    }
    const host = req.headers.host;
    if (host !== undefined && !hostAllowed(host, hostNames)) {
      refuse(socket, 'E_HOST_NOT_ALLOWED', 'This server does not answer for that host name');
      return;
    }
    if (!originAllowed(req, cfg.cors.origins)) {
      log.warn({ origin: req.headers.origin }, 'WebSocket refused: foreign origin');
      refuse(socket, 'E_HOST_NOT_ALLOWED', `Web pages from ${req.headers.origin} may not connect (server.cors.origins)`);
      return;
    }
    const key = keyInHeaders((name) => req.headers[name] as string | undefined);
    if (key !== undefined) {
      if (rt.apiKeys.verify(key) === undefined) {
        log.warn({ reason: 'unknown key' }, 'WebSocket refused: API key');
        refuse(socket, 'E_API_KEY_REQUIRED', 'The API key is not valid (revoked, or mistyped)');
        return;
      }
      keyed.add(req);
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', onUpgrade);

  useServer<Record<string, unknown> | undefined>({
    onConnect: (ctx) => {
      if (!keyRequired || keyed.has(ctx.extra.request)) return true;
      const key = ctx.connectionParams?.apiKey;
      const ok = typeof key === 'string' && rt.apiKeys.verify(key) !== undefined;
      if (!ok) log.warn({ reason: key === undefined ? 'no key' : 'unknown key' }, 'WebSocket closed: API key');
      return ok; // false: closed with 4403 Forbidden
    },
    // yoga's parse, validation (depth and cost limits), context and masked execution, per operation.
    onSubscribe: async (ctx, _id, payload) => {
      const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({ ...ctx, req: ctx.extra.request, socket: ctx.extra.socket, params: payload });
      let document: DocumentNode;
      try {
        document = parse(payload.query);
      } catch (e) {
        if (e instanceof GraphQLError) return [e]; // a syntax error, sent as the operation's error
        throw e;
      }
      const args: ExecutionArgs = {
        schema, operationName: payload.operationName, document, variableValues: payload.variables,
        contextValue: await contextFactory(), rootValue: { execute, subscribe },
      };
      const errors = validate(args.schema, args.document);
      return errors.length ? errors : args;
    },
    execute: (args) => (args.rootValue as { execute: (a: ExecutionArgs) => never }).execute(args),
    subscribe: (args) => (args.rootValue as { subscribe: (a: ExecutionArgs) => never }).subscribe(args),
  }, wss);

  return {
    close: () => new Promise<void>((resolve) => {
      server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.terminate();
      wss.close(() => resolve());
    }),
  };
}
