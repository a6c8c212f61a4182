/**
 * Cancellation that reaches native code. libav runs on libuv or worker threads where an
 * AbortSignal cannot be seen, so every operation polls Int32Array flags over shared memory:
 * non-zero means stop. Callers pass an AbortSignal, a flag of their own (set from any thread
 * with `requestCancel`), or both.
 */
import { cancelledError, invalidArgument } from './errors.js';

export interface CancelOptions {
  /** Aborting the signal cancels the operation. */
  signal?: AbortSignal;
  /** An Int32Array over a SharedArrayBuffer; a non-zero element 0 cancels. For worker threads. */
  cancelFlag?: Int32Array;
}

export function createCancelFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

export function requestCancel(flag: Int32Array): void {
  Atomics.store(flag, 0, 1);
}

export function isCancelRequested(flag: Int32Array): boolean {
  return Atomics.load(flag, 0) !== 0;
}

export function checkCancelOptions(opts: CancelOptions, where: string): void {
  if (opts.signal !== undefined && !(opts.signal instanceof AbortSignal)) {
    throw invalidArgument(`${where}: signal must be an AbortSignal`);
  }
  if (opts.cancelFlag !== undefined && !(opts.cancelFlag instanceof Int32Array && opts.cancelFlag.length >= 1)) {
    throw invalidArgument(`${where}: cancelFlag must be a non-empty Int32Array (over a SharedArrayBuffer)`);
  }
}

/**
 * The flags one native call polls: always a private one (set by the signal, or by the
 * wrapper itself, e.g. when a progress callback throws) plus the caller's own flag.
 */
export class CancelScope {
  readonly own = createCancelFlag();
  readonly flags: Int32Array[];
  private readonly signal: AbortSignal | undefined;
  private readonly onAbort = (): void => requestCancel(this.own);

  constructor(opts: CancelOptions) {
    this.flags = opts.cancelFlag ? [this.own, opts.cancelFlag] : [this.own];
    this.signal = opts.signal;
    this.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Throws E_CANCELLED if cancellation was asked for before the work started. */
  throwIfCancelled(): void {
    if (this.signal?.aborted || this.flags.some(isCancelRequested)) throw cancelledError();
  }

  cancel(): void {
    requestCancel(this.own);
  }

  dispose(): void {
    this.signal?.removeEventListener('abort', this.onAbort);
  }
}
