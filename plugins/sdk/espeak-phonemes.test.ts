import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { espeakIpa } from './espeak-phonemes.js';

/** What espeak-ng prints for one text asked alone (the slow, obviously aligned way). */
const alone = (text: string, voice: string, extra: string[] = []) =>
  execFileSync('espeak-ng', ['-q', '--ipa', ...extra, '-v', voice, text], { encoding: 'utf8' }).split('\n').join(' ').replace(/\s+/g, ' ').trim();

test('a batch of clauses comes back one IPA string per clause, equal to asking each alone', async () => {
  const texts = ['Hello there', 'how are you', '', 'the quick brown fox jumps over the lazy dog', '—', 'twenty three'];
  const ipa = await espeakIpa(texts, { binary: 'espeak-ng', voice: 'en-us' });
  assert.equal(ipa.length, texts.length);
  assert.deepEqual(ipa, texts.map((t) => (/\w/.test(t) ? alone(t, 'en-us') : '')));
  assert.match(ipa[0]!, /^həlˈoʊ ðˈɛɹ$/);
});

test('long clauses espeak-ng cuts in several lines, language flags removed, a tie character', async () => {
  const long = Array.from({ length: 120 }, () => 'wonderful').join(' ');
  const [l, es, tied] = await Promise.all([
    espeakIpa([long, 'ok'], { binary: 'espeak-ng', voice: 'en-us' }),
    espeakIpa(['el weekend'], { binary: 'espeak-ng', voice: 'hi' }),
    espeakIpa(['I like my joy'], { binary: 'espeak-ng', voice: 'en-us', tie: '^' }),
  ]);
  assert.equal(l[0]!.split(' ').length, 120, 'every word, once');
  assert.equal(l[1], alone('ok', 'en-us'));
  assert.doesNotMatch(es[0]!, /[()]/);
  assert.match(alone('el weekend', 'hi'), /\(en\)/, 'espeak-ng does print the flags that are removed');
  assert.equal(tied[0], alone('I like my joy', 'en-us', ['--tie=^']));
  assert.match(tied[0]!, /a\^ɪ/);
});

test('output that does not split into one group per clause is asked again clause by clause', async () => {
  // espeak-ng 1.51 prints no empty line for any clause found (lone marks, symbols, brackets
  // all say something or nothing), so an espeak-ng that printed one is made: the real one,
  // behind a script that prints an empty line first.
  const dir = mkdtempSync(join(tmpdir(), 'dubarr-espeak-'));
  const binary = join(dir, 'espeak-ng');
  writeFileSync(binary, '#!/bin/sh\necho\nexec espeak-ng "$@"\n', { mode: 0o755 });
  try {
    const texts = ['one two', 'three', 'four five six'];
    const ipa = await espeakIpa(texts, { binary, voice: 'en-us' });
    assert.deepEqual(ipa, texts.map((t) => alone(t, 'en-us')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing espeak-ng is E_PROVIDER_UNAVAILABLE; a cancelled one E_CANCELLED', async () => {
  await assert.rejects(espeakIpa(['hi'], { binary: '/nonexistent/espeak-ng', voice: 'en' }), { code: 'E_PROVIDER_UNAVAILABLE' });
  const cancel = { signal: AbortSignal.abort(), cancelFlag: new Int32Array(1) };
  await assert.rejects(espeakIpa(['hi'], { binary: 'espeak-ng', voice: 'en', cancel }), { code: 'E_CANCELLED' });
});
