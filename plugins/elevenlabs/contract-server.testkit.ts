/**
 * Test support: a local stand-in for api.elevenlabs.io that follows the documented shapes
 * (xi-api-key auth; errors as {"detail":{"status","message"}}; with-timestamps answers with
 * audio_base64, alignment and a request-id header; GET /v1/voices with labels; multipart
 * /v1/voices/add, /v1/speech-to-text and /v1/dubbing; 425 Too Early from a dubbing's audio
 * until it is ready) and misbehaves on demand: a wrong key, an exhausted quota, 429 with and
 * without Retry-After, too_many_concurrent_requests past `maxConcurrent` requests in flight,
 * 5xx bursts, answers held past the client's timeout, malformed JSON. It counts what would be
 * billed.
 *
 * Its audio is made here, at test time: a line of speech is a tone of `msPerChar` per
 * character at speed 1 (so voice_settings.speed changes its length as ElevenLabs' does), with
 * its characters aligned evenly; Scribe's words are laid on the voiced stretches it finds in
 * the uploaded WAV; a dubbing's audio is the uploaded audio re-encoded to MP3 by ffmpeg.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWavHeader } from '../sdk/wav.js';

export type Fault =
  | { status: number; detail?: { status: string; message: string }; headers?: Record<string, string> }
  | { hold: true }
  | { malformedJson: true };

export interface ContractVoice { voice_id: string; name: string; category?: string; labels?: Record<string, string> }

export interface ContractOptions {
  apiKey: string;
  voices?: ContractVoice[];
  /** Characters the account may still spend; past it, 401 quota_exceeded. */
  quotaCharacters?: number;
  /** Requests in flight at once before too_many_concurrent_requests. */
  maxConcurrent?: number;
  msPerChar?: number;
  /** Scribe: one entry per voiced stretch of the upload, in order. */
  scribeScript?: Array<{ speaker: string; text: string }>;
  /** Dubbing: status polls answered 'dubbing' before 'dubbed'; audio requests answered 425 after that. */
  dubbingPolls?: number;
  tooEarly?: number;
  /** Dubbing: answer 'failed' instead of ever finishing. */
  dubbingFails?: boolean;
  /** Keep each line of speech unanswered until the test calls answerOneLine(), so requests pile up in flight as they would on a slow day. */
  holdSpeech?: boolean;
}

export interface ContractRequest { method: string; path: string; headers: IncomingMessage['headers']; json?: any; form?: FormData }

export interface ContractServer {
  url: string;
  readonly requests: ContractRequest[];
  /** Faults for the next requests whose path matches, in order. */
  inject(match: RegExp, ...faults: Fault[]): void;
  /** Characters billed (text-to-speech answered 200) and seconds (speech-to-text, dubbing). */
  readonly billed: { characters: number; scribeSeconds: number; dubbingSeconds: number };
  /** Requests that reached a paid endpoint, answered or not. */
  paidRequests(route: 'tts' | 'clone' | 'scribe' | 'dubbing'): number;
  /** Most requests that were in flight at once. */
  readonly peakInFlight: number;
  /** With holdSpeech: once `waiting` lines (default 1) are held, answers the oldest one. */
  answerOneLine(waiting?: number): Promise<void>;
  /** Resolves when `n` requests in all have arrived. */
  received(n: number): Promise<void>;
  release(): void;
  close(): Promise<void>;
}

const ROUTES = { tts: /^\/v1\/text-to-speech\/[^/]+\/with-timestamps$/, clone: /^\/v1\/voices\/add$/, scribe: /^\/v1\/speech-to-text$/, dubbing: /^\/v1\/dubbing$/ };

export const DEFAULT_VOICES: ContractVoice[] = [
  { voice_id: 'v-adam', name: 'Adam', category: 'premade', labels: { gender: 'male', age: 'middle_aged', accent: 'american' } },
  { voice_id: 'v-rachel', name: 'Rachel', category: 'premade', labels: { gender: 'female', age: 'young', accent: 'american' } },
  { voice_id: 'v-bill', name: 'Bill', category: 'premade', labels: { gender: 'male', age: 'old', accent: 'american' } },
  { voice_id: 'v-dorothy', name: 'Dorothy', category: 'premade', labels: { gender: 'female', age: 'old', accent: 'british' } },
];

export async function startElevenLabsServer(o: ContractOptions): Promise<ContractServer> {
  const voices = [...(o.voices ?? DEFAULT_VOICES)];
  const requests: ContractRequest[] = [];
  const faults: Array<{ match: RegExp; fault: Fault }> = [];
  const held: ServerResponse[] = [];
  const heldLines: Array<() => void> = [];
  let lineWaiter: (() => void) | undefined;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const billed = { characters: 0, scribeSeconds: 0, dubbingSeconds: 0 };
  const dubbings = new Map<string, { target: string; mp3: Buffer; polls: number; audioAsks: number }>();
  let inFlight = 0;
  let peakInFlight = 0;
  let nextId = 1;
  const scratch = mkdtempSync(join(tmpdir(), 'dubarr-eleven-contract-'));

  const detail = (res: ServerResponse, status: number, s: string, message: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ detail: { status: s, message } }));
  };
  const json = (res: ServerResponse, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(200, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      inFlight++;
      peakInFlight = Math.max(peakInFlight, inFlight);
      res.on('close', () => { inFlight--; });
      void handle(req, Buffer.concat(chunks), res).catch((e: unknown) => {
        if (!res.headersSent) detail(res, 500, 'internal', (e as Error).message);
      });
    });
  });

  async function handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const r: ContractRequest = { method: req.method ?? 'GET', path, headers: req.headers };
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('application/json')) r.json = JSON.parse(body.toString('utf8'));
    if (type.startsWith('multipart/form-data')) r.form = await new Request('http://x', { method: 'POST', headers: { 'content-type': type }, body: new Uint8Array(body) }).formData();
    requests.push(r);
    for (const w of waiters.filter((x) => requests.length >= x.n)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }

    if (o.maxConcurrent !== undefined && inFlight > o.maxConcurrent) {
      return detail(res, 429, 'too_many_concurrent_requests', `Too many concurrent requests: your plan allows ${o.maxConcurrent}`);
    }
    const f = faults.findIndex((x) => x.match.test(path));
    if (f >= 0) {
      const { fault } = faults.splice(f, 1)[0]!;
      if ('hold' in fault) { held.push(res); return; }
      if ('malformedJson' in fault) { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"audio_base64": "AAAA", "alignm'); return; }
      return detail(res, fault.status, fault.detail?.status ?? 'error', fault.detail?.message ?? 'injected', fault.headers);
    }
    if (req.headers['xi-api-key'] !== o.apiKey) return detail(res, 401, 'invalid_api_key', 'Invalid API key');

    if (req.method === 'GET' && path === '/v1/voices') return json(res, { voices });
    if (req.method === 'POST' && ROUTES.tts.test(path)) {
      if (!o.holdSpeech) return speech(r, url, res);
      heldLines.push(() => speech(r, url, res));
      lineWaiter?.();
      return;
    }
    if (req.method === 'POST' && ROUTES.clone.test(path)) {
      const files = r.form!.getAll('files');
      if (!files.length || typeof r.form!.get('name') !== 'string') return detail(res, 422, 'invalid_request', 'name and files are required');
      const id = `clone-${nextId++}`;
      voices.push({ voice_id: id, name: String(r.form!.get('name')), category: 'cloned', labels: {} });
      return json(res, { voice_id: id, requires_verification: false });
    }
    if (req.method === 'POST' && ROUTES.scribe.test(path)) return scribe(r, res);
    if (req.method === 'POST' && ROUTES.dubbing.test(path)) return createDubbing(r, res);
    const d = /^\/v1\/dubbing\/([^/]+)(?:\/audio\/([^/]+))?$/.exec(path);
    if (req.method === 'GET' && d && dubbings.has(d[1]!)) {
      const dub = dubbings.get(d[1]!)!;
      const ready = dub.polls >= (o.dubbingPolls ?? 2);
      if (!d[2]) {
        dub.polls++;
        const status = o.dubbingFails ? (ready ? 'failed' : 'dubbing') : ready ? 'dubbed' : 'dubbing';
        return json(res, { dubbing_id: d[1], name: 'x', status, target_languages: [dub.target], ...(status === 'failed' ? { error: 'the source could not be dubbed' } : {}) });
      }
      if (d[2] !== dub.target) return detail(res, 404, 'language_not_found', `dubbing ${d[1]} has no ${d[2]}`);
      if (!ready || dub.audioAsks++ < (o.tooEarly ?? 0)) return detail(res, 425, 'dubbing_not_ready', 'The dubbing is not ready yet');
      res.writeHead(200, { 'content-type': 'audio/mpeg' });
      return void res.end(dub.mp3);
    }
    return detail(res, 404, 'not_found', `${req.method} ${path} is not served here`);
  }

  function speech(r: ContractRequest, url: URL, res: ServerResponse): void {
    const text = r.json?.text;
    const voice = decodeURIComponent(r.path.split('/')[3]!);
    if (typeof text !== 'string' || !text) return detail(res, 422, 'invalid_request', 'text is required');
    if (!voices.some((v) => v.voice_id === voice)) return detail(res, 400, 'voice_not_found', `A voice with the voice_id ${voice} was not found.`);
    const format = url.searchParams.get('output_format') ?? 'mp3_44100_128';
    const m = /^pcm_(\d+)$/.exec(format);
    if (!m) return detail(res, 422, 'invalid_request', 'this stand-in serves pcm_* formats only');
    const chars = [...text];
    if (o.quotaCharacters !== undefined && billed.characters + chars.length > o.quotaCharacters) {
      return detail(res, 401, 'quota_exceeded', `This request exceeds your quota of ${o.quotaCharacters}. You have ${o.quotaCharacters - billed.characters} credits remaining, while ${chars.length} credits are required for this request.`);
    }
    const speed = r.json?.voice_settings?.speed ?? 1;
    if (speed < 0.7 || speed > 1.2) return detail(res, 422, 'invalid_request', 'voice_settings.speed must be between 0.7 and 1.2');
    const rate = Number(m[1]);
    const per = (o.msPerChar ?? 60) / speed / 1000;
    const seconds = chars.length * per;
    const frames = Math.round(seconds * rate);
    const pcm = Buffer.alloc(frames * 2);
    const hz = 150 + (voice.length * 37) % 200;
    for (let i = 0; i < frames; i++) pcm.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / rate) * 12000), i * 2);
    billed.characters += chars.length;
    const alignment = {
      characters: chars,
      character_start_times_seconds: chars.map((_, i) => Number((i * per).toFixed(3))),
      character_end_times_seconds: chars.map((_, i) => Number(((i + 1) * per).toFixed(3))),
    };
    json(res, { audio_base64: pcm.toString('base64'), alignment, normalized_alignment: alignment }, { 'request-id': `req-${nextId++}` });
  }

  async function scribe(r: ContractRequest, res: ServerResponse): Promise<void> {
    const file = r.form!.get('file');
    if (!(file instanceof Blob) || r.form!.get('model_id') !== 'scribe_v1') return detail(res, 422, 'invalid_request', 'file and model_id are required');
    const wav = Buffer.from(await file.arrayBuffer());
    const info = parseWavHeader(wav);
    billed.scribeSeconds += info.durationMs / 1000;
    const spans = voicedSpans(wav, info.dataOffset, info.sampleRate);
    const script = o.scribeScript ?? [];
    const words: unknown[] = [];
    spans.forEach(([from, to], i) => {
      const line = script[i];
      if (!line) return;
      const ws = line.text.split(/\s+/);
      const step = (to - from) / ws.length;
      ws.forEach((w, k) => {
        if (words.length) words.push({ text: ' ', start: from + k * step, end: from + k * step, type: 'spacing', speaker_id: line.speaker });
        words.push({ text: w, start: Number((from + k * step).toFixed(3)), end: Number((from + (k + 0.9) * step).toFixed(3)), type: 'word', speaker_id: line.speaker, logprob: -0.05 });
      });
    });
    const language = r.form!.get('language_code');
    json(res, { language_code: typeof language === 'string' ? language : 'eng', language_probability: 0.98, text: script.map((s) => s.text).join(' '), words });
  }

  async function createDubbing(r: ContractRequest, res: ServerResponse): Promise<void> {
    const file = r.form!.get('file');
    const target = r.form!.get('target_lang');
    if (!(file instanceof Blob) || typeof target !== 'string') return detail(res, 422, 'invalid_request', 'file and target_lang are required');
    const wav = Buffer.from(await file.arrayBuffer());
    const seconds = parseWavHeader(wav).durationMs / 1000;
    billed.dubbingSeconds += seconds;
    const inPath = join(scratch, `in-${nextId}.wav`);
    const outPath = join(scratch, `out-${nextId}.mp3`);
    writeFileSync(inPath, wav);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', inPath, '-af', 'volume=0.8', '-ac', '2', '-ar', '44100', '-c:a', 'libmp3lame', '-b:a', '96k', outPath]);
    const id = `dub-${nextId++}`;
    dubbings.set(id, { target, mp3: readFileSync(outPath), polls: 0, audioAsks: 0 });
    json(res, { dubbing_id: id, expected_duration_sec: Math.ceil(seconds * 2) });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    billed,
    get peakInFlight() { return peakInFlight; },
    inject: (match, ...fs) => { for (const fault of fs) faults.push({ match, fault }); },
    paidRequests: (route) => requests.filter((x) => x.method === 'POST' && ROUTES[route].test(x.path)).length,
    async answerOneLine(waiting = 1) {
      while (heldLines.length < waiting) await new Promise<void>((resolve) => { lineWaiter = resolve; });
      lineWaiter = undefined;
      heldLines.shift()!();
    },
    received: (n) => new Promise<void>((resolve) => { if (requests.length >= n) resolve(); else waiters.push({ n, resolve }); }),
    release: () => { for (const r of held.splice(0)) r.socket?.destroy(); },
    close: () => new Promise<void>((resolve) => {
      for (const r of held.splice(0)) r.socket?.destroy();
      server.closeAllConnections();
      server.close(() => { rmSync(scratch, { recursive: true, force: true }); resolve(); });
    }),
  };
}

/** Stretches of the WAV louder than a floor, joined across gaps under 300 ms: [from, to] seconds. */
function voicedSpans(wav: Buffer, offset: number, rate: number): Array<[number, number]> {
  const frame = Math.round(rate * 0.02);
  const spans: Array<[number, number]> = [];
  const samples = (wav.length - offset) >> 1;
  for (let i = 0; i + frame <= samples; i += frame) {
    let e = 0;
    for (let k = 0; k < frame; k++) { const x = wav.readInt16LE(offset + (i + k) * 2) / 32768; e += x * x; }
    if (Math.sqrt(e / frame) < 0.01) continue;
    const t = i / rate;
    const last = spans.at(-1);
    if (last && t - last[1] < 0.3) last[1] = t + frame / rate; else spans.push([t, t + frame / rate]);
  }
  return spans;
}
