/**
 * The one way a wrapper calls into the addon: cancel flags wired up, progress delivered
 * safely, errors turned into NativeErrors with the caller's stack. Wrappers validate their
 * arguments before they get here.
 */
import { CancelScope, checkCancelOptions, type CancelOptions } from './cancel.js';
import { fromNative, invalidArgument, type CallSite } from './errors.js';
import type { Flags, RawProgress } from './binding.js';

export interface ProgressEvent {
  /** Position reached on the media timeline, in seconds. */
  seconds: number;
  /** Length of the work in the same units, when known. */
  totalSeconds: number | null;
}

export interface ProgressOptions {
  /** Called a few times per second, and once at the end. Throwing cancels the operation. */
  onProgress?: (progress: ProgressEvent) => void;
}

export type OperationOptions = CancelOptions & ProgressOptions;

export function checkOperationOptions(opts: OperationOptions, where: string): void {
  checkCancelOptions(opts, where);
  if (opts.onProgress !== undefined && typeof opts.onProgress !== 'function') {
    throw invalidArgument(`${where}: onProgress must be a function`);
  }
}

class Call {
  readonly scope: CancelScope;
  private callbackError: unknown = undefined;
  private settled = false;
  readonly progress: RawProgress | undefined;

  constructor(opts: OperationOptions) {
    this.scope = new CancelScope(opts);
    const user = opts.onProgress;
    this.progress = user
      ? (seconds, total) => {
          // Events queued before the promise settled can arrive after it; they are stale.
          if (this.settled || this.callbackError !== undefined) return;
          try {
            user({ seconds, totalSeconds: total });
          } catch (e) {
            this.callbackError = e;
            this.scope.cancel();
          }
        }
      : undefined;
  }

  fail(e: unknown, site: CallSite): Error {
    if (this.callbackError !== undefined) return this.callbackError as Error;
    return fromNative(e, site);
  }

  end(): void {
    this.settled = true;
    this.scope.dispose();
  }
}

export async function callNative<A, R>(
  op: (args: A, flags?: Flags, onProgress?: RawProgress) => Promise<R>,
  args: A,
  opts: OperationOptions,
  site: CallSite,
): Promise<R> {
  const call = new Call(opts);
  try {
    call.scope.throwIfCancelled();
    return await op(args, call.scope.flags, call.progress);
  } catch (e) {
    throw call.fail(e, site);
  } finally {
    call.end();
  }
}

export function callNativeSync<A, R>(
  op: (args: A, flags?: Flags, onProgress?: RawProgress) => R,
  args: A,
  opts: OperationOptions,
  site: CallSite,
): R {
  const call = new Call(opts);
  try {
    call.scope.throwIfCancelled();
    return op(args, call.scope.flags, call.progress);
  } catch (e) {
    throw call.fail(e, site);
  } finally {
    call.end();
  }
}
