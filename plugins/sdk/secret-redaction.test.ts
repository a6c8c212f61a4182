import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REDACTED, redactHeaders, redactSecrets, redactUrl } from './secret-redaction.js';

const KEY = '1f2e3d4c-aaaa-bbbb-cccc-0123456789ab:fx';

test('redactSecrets removes known secret values, also URL-encoded, and keeps the rest of the message', () => {
  const text = `DeepL answered 403 for key ${KEY} (sent as ${encodeURIComponent(KEY)}): wrong account`;
  const out = redactSecrets(text, [KEY]);
  assert.ok(!out.includes(KEY) && !out.includes(encodeURIComponent(KEY)), out);
  assert.ok(!out.includes('1f2e3d4c'), out);
  assert.match(out, /DeepL answered 403 for key \[redacted\].*wrong account/);
});

test('redactSecrets removes credentials by shape: auth headers, schemes and key query parameters', () => {
  const cases: Array<[string, string]> = [
    ['Authorization: Bearer sk-live-abcdef123456', 'sk-live-abcdef123456'],
    ['authorization: DeepL-Auth-Key 9a8b7c6d5e4f:fx', '9a8b7c6d5e4f'],
    ['{"xi-api-key":"el_0123456789abcdef"}', 'el_0123456789abcdef'],
    ['x-api-key=hunter2hunter2', 'hunter2hunter2'],
    ['GET https://example.test/v1/models?key=AIzaSyABCDEF&alt=json', 'AIzaSyABCDEF'],
    ['https://h.test/x?a=1&auth_key=deadbeef99', 'deadbeef99'],
    ['https://bucket.test/f?X-Amz-Signature=abc123def456&x=1', 'abc123def456'],
    ['sent Token r8_supersecretreplicate', 'r8_supersecretreplicate'],
  ];
  for (const [text, secret] of cases) {
    const out = redactSecrets(text);
    assert.ok(!out.includes(secret), `${text} -> ${out}`);
    assert.ok(out.includes(REDACTED), `${text} -> ${out}`);
  }
  assert.equal(redactSecrets('GET https://example.test/v1/models?alt=json&page=2'), 'GET https://example.test/v1/models?alt=json&page=2', 'harmless parameters stay');
});

test('redactUrl drops user info and key parameters; redactHeaders blanks credential headers', () => {
  const u = redactUrl('https://user:pa55word@api.test/v2/translate?auth_key=s3cr3tkey&target_lang=DE');
  assert.ok(!u.includes('pa55word') && !u.includes('s3cr3tkey') && !u.includes('user:'), u);
  assert.match(u, /target_lang=DE/);
  const h = redactHeaders({ Authorization: `DeepL-Auth-Key ${KEY}`, 'Content-Type': 'application/json', 'X-Trace': `k=${KEY}` }, [KEY]);
  assert.deepEqual(h, { Authorization: REDACTED, 'Content-Type': 'application/json', 'X-Trace': `k=${REDACTED}` });
});
