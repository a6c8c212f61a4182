/**
 * Test support: a 127.0.0.1 server that speaks the OpenAI API as documented (platform.openai.com
 * API reference; Ollama's and LM Studio's compatibility notes for their differences) for the three
 * endpoints the plugin uses, doing real work on what it is sent, and misbehaving on demand.
 *
 *  - POST /v1/audio/transcriptions: multipart with `file`, `model`, `response_format`
 *    (verbose_json needed for timestamp_granularities[]=word, else 400 as OpenAI answers),
 *    `language`; files over 25 MB get 413. It hears the uploaded WAV: each stretch of sound
 *    (separated by >= 450 ms of quiet) is a segment, each run of sound inside it (separated
 *    by >= 60 ms) a word, so the times it answers are the upload's real speech times.
 *  - POST /v1/audio/speech: JSON {model, input (<= 4096 chars), voice, response_format, speed
 *    0.25-4}; it speaks `input` with espeak-ng at 175 x speed words a minute and answers raw
 *    16-bit PCM at 24 kHz ('pcm') or a WAV ('wav').
 *  - POST /v1/chat/completions: {model, messages, response_format?}; json_object needs the word
 *    "json" in the messages (OpenAI's rule); `jsonModes` lists what the server takes (LM Studio:
 *    json_schema only, answered with its own 400). The "model" translates the `lines` of the
 *    first user message as `translated: <text>` (glossary translations put in), unless the test's `chatReply` says otherwise.
 *    `usage` counts a token per 4 characters.
 *
 * Errors carry OpenAI's body {"error":{"message","type","param","code"}}. `inject(route, ...)`
 * queues faults that answer the next requests to a route (null: that one is answered normally):
 * `openaiFaults` has the real ones.
 * `billed` counts the requests whose work was done and answered (what a vendor would bill).
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseWavHeader } from '../sdk/wav.js';

export type Route = 'transcriptions' | 'speech' | 'chat';

export type Fault =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  /** Never answer until release(): slower than any timeout, without a timer race. */
  | { hold: true }
  /** 200 with a JSON body cut short. */
  | { malformed: true };

const errorBody = (message: string, type: string, code: string | null) => ({ error: { message, type, param: null, code } });

/** The failures OpenAI documents, as it sends them. */
export const openaiFaults = {
  invalidKey: (given = ''): Fault => ({ status: 401, body: errorBody(`Incorrect API key provided: ${given}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', 'invalid_api_key') }),
  insufficientQuota: (): Fault => ({ status: 429, body: errorBody('You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', 'insufficient_quota') }),
  rateLimited: (headers: Record<string, string> = {}): Fault => ({ status: 429, headers, body: errorBody('Rate limit reached for requests per min (RPM). Please try again later.', 'requests', 'rate_limit_exceeded') }),
  serverError: (status = 500, headers: Record<string, string> = {}): Fault => ({ status, headers, body: errorBody('The server had an error while processing your request. Sorry about that!', 'server_error', null) }),
  hold: (): Fault => ({ hold: true }),
  malformed: (): Fault => ({ malformed: true }),
};

export interface ChatRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
  response_format?: { type: string; json_schema?: unknown };
  temperature?: number;
}

export interface RecordedRequest {
  route: Route | 'unknown';
  headers: IncomingMessage['headers'];
  /** The JSON body, or the multipart fields (the file as its byte length and duration). */
  body: Record<string, unknown>;
}

export interface ContractServerOptions {
  /** The key the server takes as `Authorization: Bearer`; undefined: a local server that asks none. */
  apiKey?: string;
  /** response_format types /chat/completions takes; default all OpenAI's. */
  jsonModes?: readonly string[];
}

export interface OpenAIContractServer {
  url: string;
  /** What the plugin's baseUrl is set to. */
  baseUrl: string;
  readonly requests: RecordedRequest[];
  /** Requests per route whose work was done and answered 200. */
  readonly billed: Record<Route, number>;
  /** The uploads /audio/transcriptions heard: length in ms, in order. */
  readonly uploads: Array<{ durationMs: number; bytes: number }>;
  /** Faults for the next requests to `route`, in order; null: answer that one normally. */
  inject(route: Route, ...faults: Array<Fault | null>): void;
  /** The chat "model"'s content for a request (n counts chat requests from 0); undefined: translate normally. */
  chatReply?: (req: ChatRequest, n: number) => string | undefined;
  /** Resolves once `n` requests have been received in all. */
  received(n: number): Promise<void>;
  release(): void;
  /** Forgets requests, uploads, counts and queued faults, for the next test. */
  reset(): void;
  close(): Promise<void>;
}

export async function startOpenAIContractServer(o: ContractServerOptions = {}): Promise<OpenAIContractServer> {
  const queued: Record<Route, Array<Fault | null>> = { transcriptions: [], speech: [], chat: [] };
  const held: ServerResponse[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let chatCount = 0;
  const state: OpenAIContractServer = {
    url: '', baseUrl: '', requests: [], billed: { transcriptions: 0, speech: 0, chat: 0 }, uploads: [],
    inject: (route, ...faults) => { queued[route].push(...faults); },
    received: (n) => new Promise<void>((resolve) => { if (state.requests.length >= n) resolve(); else waiters.push({ n, resolve }); }),
    release: () => { for (const r of held.splice(0)) r.socket?.destroy(); },
    reset: () => {
      state.release();
      state.requests.length = 0;
      state.uploads.length = 0;
      for (const r of ['transcriptions', 'speech', 'chat'] as const) { state.billed[r] = 0; queued[r].length = 0; }
      chatCount = 0;
      state.chatReply = undefined;
    },
    close: () => new Promise<void>((resolve) => {
      state.release();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (Buffer.isBuffer(body)) {
      res.writeHead(status, { 'content-type': 'application/octet-stream', ...headers });
      res.end(body);
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, raw: Buffer, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0];
    const route: Route | 'unknown' = path === '/v1/audio/transcriptions' ? 'transcriptions' : path === '/v1/audio/speech' ? 'speech' : path === '/v1/chat/completions' ? 'chat' : 'unknown';
    const recorded: RecordedRequest = { route, headers: req.headers, body: {} };
    state.requests.push(recorded);
    for (const w of waiters.filter((x) => state.requests.length >= x.n)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }

    if (route === 'unknown' || req.method !== 'POST') return send(res, 404, errorBody(`Invalid URL (${req.method} ${path})`, 'invalid_request_error', null));
    if (o.apiKey !== undefined) {
      const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (given !== o.apiKey) {
        // OpenAI echoes (most of) the key it was given: the client must never repeat it.
        const f = openaiFaults.invalidKey(given ?? '') as { status: number; body: unknown };
        return send(res, f.status, f.body);
      }
    }
    const fault = queued[route].shift();
    if (fault) {
      if ('hold' in fault) { held.push(res); return; }
      if ('malformed' in fault) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"text": "half an ans');
        return;
      }
      return send(res, fault.status, fault.body ?? '', fault.headers);
    }
    const bad = (message: string, status = 400) => send(res, status, errorBody(message, 'invalid_request_error', null));

    if (route === 'transcriptions') {
      const form = await new Request('http://x/', { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body: new Uint8Array(raw) }).formData().catch(() => undefined);
      if (!form) return bad('Could not parse multipart form');
      const file = form.get('file');
      const fields = Object.fromEntries([...new Set(form.keys())].filter((k) => k !== 'file').map((k) => [k, form.getAll(k).length > 1 ? form.getAll(k) : form.get(k)]));
      recorded.body = fields;
      if (!(file instanceof Blob)) return bad("Missing required parameter: 'file'.");
      if (typeof form.get('model') !== 'string') return bad("Missing required parameter: 'model'.");
      if (file.size > 25 * 1024 * 1024) return bad(`Maximum content size limit (26214400) exceeded (${file.size} bytes read)`, 413);
      const format = form.get('response_format') ?? 'json';
      const granularities = form.getAll('timestamp_granularities[]');
      if (granularities.length && format !== 'verbose_json') return bad('timestamp_granularities is only supported with response_format verbose_json');
      let audio;
      try {
        audio = readUpload(Buffer.from(await file.arrayBuffer()));
      } catch {
        return bad('Invalid file format. Supported formats: flac, m4a, mp3, mp4, mpeg, mpga, oga, ogg, wav, webm');
      }
      recorded.body.file = { bytes: file.size, durationMs: audio.durationMs };
      state.uploads.push({ durationMs: audio.durationMs, bytes: file.size });
      const heard = hear(audio.samples, audio.sampleRate);
      const words = granularities.includes('word');
      const segments = heard.map((s, id) => ({
        id, seek: 0, start: s.start, end: s.end, text: ` ${s.words.map((_, k) => `word${k + 1}`).join(' ')}`,
        tokens: [], temperature: 0, avg_logprob: -0.25, compression_ratio: 1.2, no_speech_prob: 0.01,
      }));
      state.billed.transcriptions++;
      return send(res, 200, format === 'verbose_json' ? {
        task: 'transcribe', language: 'english', duration: audio.durationMs / 1000,
        text: segments.map((s) => s.text.trim()).join(' '),
        ...(granularities.length === 0 || granularities.includes('segment') ? { segments } : {}),
        ...(words ? { words: heard.flatMap((s) => s.words.map((w, k) => ({ word: `word${k + 1}`, start: w.start, end: w.end }))) } : {}),
      } : { text: segments.map((s) => s.text.trim()).join(' ') });
    }

    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      return bad('We could not parse the JSON body of your request.');
    }
    recorded.body = body;
    if (typeof body.model !== 'string' || !body.model) return bad("you must provide a model parameter");

    if (route === 'speech') {
      const { input, voice, response_format: format = 'mp3', speed = 1 } = body as { input?: unknown; voice?: unknown; response_format?: string; speed?: number };
      if (typeof input !== 'string' || !input) return bad("Missing required parameter: 'input'.");
      if (input.length > 4096) return bad(`'${input.slice(0, 20)}...' is too long - 'input'`);
      if (typeof voice !== 'string' || !voice) return bad("Missing required parameter: 'voice'.");
      if (!['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'].includes(format)) return bad(`Invalid value: '${format}'. Supported values are: 'mp3', 'opus', 'aac', 'flac', 'wav', and 'pcm'.`);
      if (format !== 'pcm' && format !== 'wav') return bad(`this contract server speaks only pcm and wav, not ${format}`);
      if (typeof speed !== 'number' || speed < 0.25 || speed > 4) return bad(`${speed} is greater than the maximum of 4 - 'speed'`);
      const audio = await speak(input, speed, format);
      state.billed.speech++;
      return send(res, 200, audio, { 'content-type': format === 'wav' ? 'audio/wav' : 'audio/pcm' });
    }

    // chat
    const chat = body as unknown as ChatRequest;
    if (!Array.isArray(chat.messages) || chat.messages.length === 0) return bad("[] is too short - 'messages'");
    const type = chat.response_format?.type;
    if (type !== undefined) {
      if (o.jsonModes && !o.jsonModes.includes(type)) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `'response_format.type' must be '${o.jsonModes[0]}'` }));
        return;
      }
      if (type === 'json_object' && !chat.messages.some((m) => /json/i.test(m.content))) {
        return bad("'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.");
      }
    }
    const n = chatCount++;
    const content = state.chatReply?.(chat, n) ?? translateLines(chat);
    const promptChars = chat.messages.reduce((a, m) => a + m.content.length, 0);
    state.billed.chat++;
    return send(res, 200, {
      id: `chatcmpl-${n}`, object: 'chat.completion', created: 1_700_000_000, model: chat.model,
      choices: [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: Math.ceil(promptChars / 4), completion_tokens: Math.ceil(content.length / 4), total_tokens: Math.ceil(promptChars / 4) + Math.ceil(content.length / 4) },
    });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, Buffer.concat(chunks), res).catch((e: unknown) => send(res, 500, errorBody(`contract server: ${(e as Error).message}`, 'server_error', null)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.baseUrl = `${state.url}/v1`;
  return state;
}

/**
 * The fake model's translation: each line of the first user message's `lines`, marked, with the
 * glossary's forced translations put in (as a model that follows the rules would).
 */
export function translateLines(chat: ChatRequest): string {
  const prompt = chat.messages.find((m) => m.role === 'user');
  const asked = JSON.parse(prompt!.content) as { lines: Array<{ id: string; text: string }>; glossary?: Array<{ term: string; translation?: string }> };
  const apply = (text: string) => (asked.glossary ?? []).reduce((t, g) => (g.translation ? t.replace(new RegExp(`\\b${g.term}\\b`, 'giu'), g.translation) : t), text);
  return JSON.stringify({ lines: asked.lines.map((l) => ({ id: l.id, text: `translated: ${apply(l.text)}` })) });
}

function readUpload(buf: Buffer): { samples: Float32Array; sampleRate: number; durationMs: number } {
  const info = parseWavHeader(buf);
  if (info.format !== 's16' || info.channels !== 1) throw new Error('only mono s16 WAV is heard here');
  const n = Math.min(info.frames, Math.floor((buf.length - info.dataOffset) / 2));
  const samples = new Float32Array(n);
  for (let i = 0; i < n; i++) samples[i] = buf.readInt16LE(info.dataOffset + i * 2) / 32768;
  return { samples, sampleRate: info.sampleRate, durationMs: (n * 1000) / info.sampleRate };
}

interface Heard { start: number; end: number; words: Array<{ start: number; end: number }> }

/** Stretches of sound (seconds): 10 ms frames louder than -45 dBFS, joined across short quiet. */
export function hear(samples: Float32Array, rate: number): Heard[] {
  const frame = Math.round(rate / 100);
  const loud: boolean[] = [];
  for (let i = 0; i + frame <= samples.length; i += frame) {
    let sum = 0;
    for (let k = i; k < i + frame; k++) sum += samples[k]! * samples[k]!;
    loud.push(Math.sqrt(sum / frame) > 10 ** (-45 / 20));
  }
  const runs = (maxQuietFrames: number, from = 0, to = loud.length) => {
    const out: Array<{ a: number; b: number }> = [];
    for (let i = from; i < to; i++) {
      if (!loud[i]) continue;
      const last = out.at(-1);
      if (last && i - last.b <= maxQuietFrames) last.b = i + 1;
      else out.push({ a: i, b: i + 1 });
    }
    return out;
  };
  return runs(45).filter((r) => r.b - r.a >= 10).map((r) => ({
    start: r.a / 100, end: r.b / 100,
    words: runs(6, r.a, r.b).map((w) => ({ start: w.a / 100, end: w.b / 100 })),
  }));
}

/** espeak-ng's speech of `text` at 175 x speed words a minute, as 24 kHz s16 PCM or WAV. */
async function speak(text: string, speed: number, format: 'pcm' | 'wav'): Promise<Buffer> {
  const wav = await run('espeak-ng', ['-v', 'en-us', '-s', String(Math.round(Math.min(450, Math.max(80, 175 * speed)))), '--stdout', text]);
  return run('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'wav', '-i', 'pipe:0', '-ar', '24000', '-ac', '1', '-c:a', 'pcm_s16le',
    '-f', format === 'pcm' ? 's16le' : 'wav', 'pipe:1'], wav);
}

function run(cmd: string, args: string[], input?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (c: Buffer) => out.push(c));
    p.stderr.on('data', (c: Buffer) => err.push(c));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`${cmd} exited ${code}: ${Buffer.concat(err).toString()}`))));
    p.stdin.end(input);
  });
}
