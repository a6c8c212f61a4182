import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { receiveMultipart } from './multipart-upload.js';

const BOUNDARY = 'test-boundary-7f3a';
const TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

const fieldPart = (name: string, value: string) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
const fileHead = (name: string, filename?: string) =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}\r\n\r\n`;
const END = `\r\n--${BOUNDARY}--\r\n`;

/**
 * A request body sent in `chunk`-sized pieces; before each piece it records how large the
 * upload file has grown, so the test sees what reached the disk while the upload went on.
 */
function streamedRequest(parts: Buffer[], chunk: number, watch: string, sizes: number[], sent?: () => void): Request {
  const all = Buffer.concat(parts);
  let at = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      sizes.push(await stat(watch).then((s) => s.size, () => 0));
      if (at >= all.length) { controller.close(); sent?.(); return; }
      controller.enqueue(all.subarray(at, at + chunk));
      at += chunk;
    },
  }, { highWaterMark: 0 });
  return new Request('http://127.0.0.1/asr', { method: 'POST', body, headers: { 'content-type': TYPE }, duplex: 'half' } as RequestInit);
}

test('the file part streams to disk; text fields come back by name, repeated ones in order', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-multipart-'));
  try {
    const data = Buffer.alloc(300 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
    const sizes: number[] = [];
    const req = streamedRequest([
      Buffer.from(fieldPart('model', 'whisper-1') + fieldPart('timestamp_granularities[]', 'word') + fieldPart('timestamp_granularities[]', 'segment')),
      Buffer.from(fileHead('file', 'talk.wav')), data, Buffer.from(END),
    ], 16 * 1024, join(dir, 'upload'), sizes);
    const u = await receiveMultipart(req, { fileField: 'file', dir, maxBytes: 1024 * 1024 });
    assert.deepEqual(await readFile(u.file.path), data);
    assert.deepEqual([u.file.size, u.file.filename], [data.length, 'talk.wav']);
    assert.deepEqual(u.fields.get('timestamp_granularities[]'), ['word', 'segment']);
    assert.deepEqual(u.fields.get('model'), ['whisper-1']);
    // Streamed: the file grew while the body was still being read.
    assert.ok(sizes.some((n) => n > 0 && n < data.length), `sizes seen: ${sizes.slice(0, 5).join(', ')}...`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('past maxBytes the upload is refused (E_UPLOAD_TOO_LARGE) having written no more than the limit, the partial file is removed, and the rest of the body is read and dropped', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-multipart-'));
  try {
    const limit = 64 * 1024;
    const sizes: number[] = [];
    let sent!: () => void;
    const allSent = new Promise<void>((resolve) => { sent = resolve; });
    // A part with no file name and no Content-Type, as python-requests sends raw bytes.
    const req = streamedRequest([Buffer.from(fileHead('audio_file')), Buffer.alloc(1024 * 1024, 3), Buffer.from(END)], 8 * 1024, join(dir, 'upload'), sizes, sent);
    await assert.rejects(receiveMultipart(req, { fileField: 'audio_file', dir, maxBytes: limit }), { code: 'E_UPLOAD_TOO_LARGE' });
    assert.ok(Math.max(...sizes) > 0, 'the upload was being written');
    assert.deepEqual(await readdir(dir), []);
    // The rest is read (a server's connection then carries the client's next request), not written.
    await allSent;
    assert.ok(Math.max(...sizes) <= limit, `the file reached ${Math.max(...sizes)} bytes`);
    assert.deepEqual(await readdir(dir), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('maxBytes 0 is no limit (server.maxUploadBytes: 0), for the declared length too', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-multipart-'));
  try {
    const data = Buffer.alloc(200 * 1024, 9);
    const req = streamedRequest([Buffer.from(fileHead('file', 'a.bin')), data, Buffer.from(END)], 16 * 1024, join(dir, 'upload'), []);
    const u = await receiveMultipart(req, { fileField: 'file', dir, maxBytes: 0 });
    assert.deepEqual(await readFile(u.file.path), data);
    const body = Buffer.concat([Buffer.from(fileHead('file', 'b.bin')), Buffer.alloc(10), Buffer.from(END)]);
    const declared = new Request('http://127.0.0.1/asr', { method: 'POST', body, headers: { 'content-type': TYPE, 'content-length': String(50 * 1024 * 1024) } });
    const v = await receiveMultipart(declared, { fileField: 'file', dir, fileName: 'second', maxBytes: 0 });
    assert.equal(v.file.size, 10);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a body that is not multipart, or has no file in the field, is a coded error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-multipart-'));
  try {
    const json = new Request('http://127.0.0.1/asr', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    await assert.rejects(receiveMultipart(json, { fileField: 'audio_file', dir, maxBytes: 100 }), { code: 'E_INVALID_ARGUMENT', message: /multipart\/form-data in the field 'audio_file'/ });
    const other = streamedRequest([Buffer.from(fieldPart('model', 'x') + END.slice(2))], 1024, join(dir, 'upload'), []);
    await assert.rejects(receiveMultipart(other, { fileField: 'file', dir, maxBytes: 100 }), { code: 'E_INVALID_ARGUMENT', message: /no file in the field 'file'/ });
    const declared = new Request('http://127.0.0.1/asr', { method: 'POST', body: 'x', headers: { 'content-type': TYPE, 'content-length': String(50 * 1024 * 1024) } });
    await assert.rejects(receiveMultipart(declared, { fileField: 'file', dir, maxBytes: 1024 }), { code: 'E_UPLOAD_TOO_LARGE' });
    assert.deepEqual(await readdir(dir), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
