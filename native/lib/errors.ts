/**
 * Coded errors from the native addon. The `code` is the contract with the rest of dubarr
 * (it maps each code onto its own error table); `averror` and the message carry the libav
 * detail, and the stack is the JS call site, not the inside of the wrapper.
 */
export const NATIVE_ERROR_CODES = [
  'E_MEDIA_UNREADABLE',
  'E_NO_AUDIO_STREAM',
  'E_NO_VIDEO_STREAM',
  'E_UNSUPPORTED_CODEC',
  'E_OUTPUT_WRITE',
  'E_CANCELLED',
  'E_INVALID_ARGUMENT',
  'E_INTERNAL',
] as const;
export type NativeErrorCode = (typeof NATIVE_ERROR_CODES)[number];

export function isNativeErrorCode(code: unknown): code is NativeErrorCode {
  return typeof code === 'string' && (NATIVE_ERROR_CODES as readonly string[]).includes(code);
}

export class NativeError extends Error {
  override readonly name = 'NativeError';
  readonly code: NativeErrorCode;
  /** The libav error number (negative), or 0 when the failure did not come from libav. */
  readonly averror: number;

  constructor(code: NativeErrorCode, message: string, opts: { averror?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.averror = opts.averror ?? 0;
  }
}

export function invalidArgument(message: string): NativeError {
  return new NativeError('E_INVALID_ARGUMENT', message);
}

export function cancelledError(): NativeError {
  return new NativeError('E_CANCELLED', 'cancelled', { averror: AVERROR_EXIT });
}

/** AVERROR_EXIT: what libav returns when the interrupt callback asked it to stop. */
const AVERROR_EXIT = -1414092869;

/** The JS stack where a public function was called, captured before going native. */
export interface CallSite {
  readonly stack: string;
}

// eslint-style `Function` is what captureStackTrace takes; any public function fits.
export function captureCallSite(publicFunction: (...args: never[]) => unknown): CallSite {
  const holder: { stack: string } = { stack: '' };
  Error.captureStackTrace(holder, publicFunction);
  // Drop the "Error" headline; the frames are what we splice under our own message.
  return { stack: holder.stack.split('\n').slice(1).join('\n') };
}

/** Attaches the caller's frames to an error raised while serving that call. */
export function withCallSite<E extends Error>(err: E, site: CallSite): E {
  const code = (err as { code?: unknown }).code;
  const head = `${err.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${err.message}`;
  err.stack = site.stack ? `${head}\n${site.stack}` : head;
  return err;
}

/** The error a native call raised, as a NativeError carrying the caller's stack. */
export function fromNative(e: unknown, site: CallSite): Error {
  if (e instanceof NativeError) return withCallSite(e, site);
  const raw = e as { code?: unknown; message?: unknown; averror?: unknown } | null;
  if (raw && isNativeErrorCode(raw.code)) {
    const err = new NativeError(raw.code, String(raw.message ?? raw.code), {
      averror: typeof raw.averror === 'number' ? raw.averror : 0,
    });
    return withCallSite(err, site);
  }
  // A TypeError from the binding means the wrapper let a bad argument through: a bug here.
  if (e instanceof TypeError) return withCallSite(new NativeError('E_INTERNAL', e.message, { cause: e }), site);
  return e instanceof Error ? e : new NativeError('E_INTERNAL', String(e));
}
