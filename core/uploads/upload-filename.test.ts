import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeUploadFilename } from './upload-filename.js';

test('a client file name becomes one safe path component', () => {
  const cases: Array<[string | null | undefined, string | undefined]> = [
    ['Movie (2001).mkv', 'Movie (2001).mkv'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\me\\Videos\\clip.mp4', 'clip.mp4'],
    ['..', undefined],
    ['.hidden.mkv', 'hidden.mkv'],
    ['a\u0000b\nc.mkv', 'a_b_c.mkv'],
    ['what?<>:"|*.mkv', 'what_______.mkv'],
    ['trailing dots... ', 'trailing dots'],
    ['dir/', undefined],
    ['', undefined],
    [null, undefined],
    [undefined, undefined],
  ];
  for (const [raw, want] of cases) assert.equal(safeUploadFilename(raw), want, JSON.stringify(raw));
});

test('a long name is cut to 200 bytes on a character boundary, keeping its extension', () => {
  const name = safeUploadFilename(`${'é'.repeat(300)}.mkv`)!;
  assert.ok(Buffer.byteLength(name) <= 200);
  assert.ok(Buffer.byteLength(name) >= 199);
  assert.match(name, /^é+\.mkv$/);
});
