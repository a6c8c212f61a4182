import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs, parseDurationMs, serverWaitMs } from './retry-wait.js';

const h = (o: Record<string, string>) => new Headers(o);
const NOW = Date.parse('2026-01-01T00:00:00Z');

test('serverWaitMs reads retry-after-ms, then Retry-After (seconds or HTTP date), then the rate-limit reset durations', () => {
  assert.equal(serverWaitMs(h({ 'retry-after-ms': '250', 'retry-after': '9' }), NOW), 250, 'retry-after-ms is the finer word');
  assert.equal(serverWaitMs(h({ 'retry-after': '3' }), NOW), 3000);
  assert.equal(serverWaitMs(h({ 'retry-after': '0' }), NOW), 0);
  assert.equal(serverWaitMs(h({ 'retry-after': new Date(NOW + 7000).toUTCString() }), NOW), 7000);
  assert.equal(serverWaitMs(h({ 'retry-after': new Date(NOW - 7000).toUTCString() }), NOW), 0, 'a date in the past: no wait');
  assert.equal(serverWaitMs(h({ 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-reset-tokens': '6m0s' }), NOW), 360_000, 'the longer reset wins');
  assert.equal(serverWaitMs(h({ 'x-ratelimit-reset-tokens': '20ms' }), NOW), 20);
  assert.equal(serverWaitMs(h({ 'retry-after': 'soon' }), NOW), undefined, 'unreadable: the client falls back to backoff');
  assert.equal(serverWaitMs(h({}), NOW), undefined);
});

test('parseDurationMs reads Go-style durations and bare seconds, and refuses anything else', () => {
  assert.equal(parseDurationMs('1h2m3.5s'), 3_723_500);
  assert.equal(parseDurationMs('0.5s'), 500);
  assert.equal(parseDurationMs('17'), 17_000);
  assert.equal(parseDurationMs('250us'), 1);
  assert.equal(parseDurationMs('5 minutes'), undefined);
  assert.equal(parseDurationMs('1s garbage'), undefined);
  assert.equal(parseDurationMs(''), undefined);
});

test('backoffMs is full jitter under an exponential ceiling that is capped', () => {
  const max = () => 0.999999;
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, 100, 1000, max)), [99, 199, 399, 799, 999, 999]);
  assert.equal(backoffMs(3, 100, 1000, () => 0), 0, 'full jitter reaches down to no wait');
  assert.equal(backoffMs(3, 100, 1000, () => 0.5), 200);
});
