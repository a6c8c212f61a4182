import { it } from 'node:test';
import assert from 'node:assert/strict';
import { captureCallSite, fromNative, NativeError } from './errors.js';

function caller() {
  return captureCallSite(caller);
}

it('turns a raw native error into a NativeError with the JS call site', () => {
  const site = caller();
  const raw = Object.assign(new Error('cannot open x: Invalid data found when processing input'), { code: 'E_MEDIA_UNREADABLE', averror: -1094995529 });
  const err = fromNative(raw, site) as NativeError;
  assert.ok(err instanceof NativeError);
  assert.equal(err.code, 'E_MEDIA_UNREADABLE');
  assert.equal(err.averror, -1094995529);
  assert.match(err.message, /Invalid data found/);
  assert.match(err.stack!, /^NativeError \[E_MEDIA_UNREADABLE\]: cannot open x/);
  assert.match(err.stack!.split('\n')[1]!, /errors\.test\.js/, 'the first frame is the caller, not the wrapper');
});

it('keeps errors it does not know, and marks binding misuse as internal', () => {
  const site = caller();
  const other = new RangeError('x');
  assert.equal(fromNative(other, site), other);
  assert.equal((fromNative(new TypeError('dubarr_native: option'), site) as NativeError).code, 'E_INTERNAL');
});
