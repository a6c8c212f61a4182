import { it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { addonPath } from './binding.js';
import { nativeBuildIdentity, nativeVersions } from './index.js';

it('identifies the addon build and the libav* versions this process loaded', () => {
  const id = nativeBuildIdentity();
  assert.equal(id.addon, createHash('sha256').update(readFileSync(addonPath)).digest('hex').slice(0, 32));
  for (const lib of ['libavformat', 'libavcodec', 'libavutil', 'libavfilter', 'libswresample']) assert.match(id[lib]!, /^\d+\.\d+\.\d+$/, lib);
  // Built against this machine's headers: what it loaded is what it was built with.
  assert.equal(id.libavcodec, nativeVersions().libavcodec);
  assert.equal(id.ffmpeg, nativeVersions().ffmpeg);
  assert.match(id.configuration!, /^[0-9a-f]{32}$/);
  assert.equal(nativeBuildIdentity(), id, 'computed once');
});
