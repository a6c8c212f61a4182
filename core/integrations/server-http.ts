import { DubarrError } from '../../plugins/sdk/errors.js';

/** How long one request to a media server may take; a library scan it starts runs on after the answer. */
const TIMEOUT_MS = 15_000;

export interface ServerCall {
  method: 'GET' | 'POST' | 'PUT';
  /** Below the server's url, with a leading '/'. */
  path: string;
  query?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  signal?: AbortSignal;
}

/**
 * Requests to one media server: its auth headers on every call, a timeout, JSON asked for and
 * read, and failures as E_MEDIA_SERVER errors that name the server and the call but never the
 * token (it travels in headers only, never in a URL that could reach a message).
 */
export class ServerHttp {
  private readonly base: string;

  constructor(
    /** 'Jellyfin at http://jellyfin:8096', for messages. */
    readonly label: string,
    url: string,
    private readonly headers: Readonly<Record<string, string>>,
  ) {
    this.base = url.replace(/\/+$/, '');
  }

  /** The answer's JSON (undefined for an empty body); a status outside 2xx throws E_MEDIA_SERVER with details.status. */
  async json<T>(call: ServerCall): Promise<T | undefined> {
    const res = await this.send(call);
    const text = await res.text();
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      const type = res.headers.get('content-type') ?? 'no content type';
      throw new DubarrError('E_MEDIA_SERVER', `${this.label} answered ${call.method} ${call.path} with something that is not JSON (${type})`);
    }
  }

  /** Sends the call and drops the answer's body (refresh requests answer 204 or a few bytes). */
  async call(call: ServerCall): Promise<void> {
    const res = await this.send(call);
    await res.arrayBuffer();
  }

  private async send(call: ServerCall): Promise<Response> {
    const query = call.query ? `?${new URLSearchParams(call.query).toString()}` : '';
    const signal = call.signal ? AbortSignal.any([call.signal, AbortSignal.timeout(TIMEOUT_MS)]) : AbortSignal.timeout(TIMEOUT_MS);
    let res: Response;
    try {
      res = await fetch(`${this.base}${call.path}${query}`, {
        method: call.method,
        headers: { accept: 'application/json', ...this.headers, ...(call.body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal,
      });
    } catch (e) {
      if (call.signal?.aborted) throw new DubarrError('E_CANCELLED', 'Cancelled', { cause: e });
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = (e as Error).name === 'TimeoutError' ? `did not answer within ${TIMEOUT_MS / 1000} s` : `cannot be reached (${cause?.code ?? cause?.message ?? (e as Error).message})`;
      throw new DubarrError('E_MEDIA_SERVER', `${this.label} ${why}: ${call.method} ${call.path}`, { details: { status: 0 } });
    }
    if (res.ok) return res;
    await res.arrayBuffer().catch(() => undefined);
    const refused = res.status === 401 || res.status === 403 ? ': it refused the token (mediaServers[].token)' : '';
    throw new DubarrError('E_MEDIA_SERVER', `${this.label} answered ${res.status} to ${call.method} ${call.path}${refused}`, { details: { status: res.status } });
  }
}

/** The HTTP status of a failed server call (0: unreachable), or undefined for another error. */
export function serverStatus(e: unknown): number | undefined {
  const err = DubarrError.from(e);
  return err.code === 'E_MEDIA_SERVER' && typeof err.details?.status === 'number' ? err.details.status : undefined;
}
