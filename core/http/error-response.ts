import type { Context } from 'hono';
import { DubarrError } from '../../plugins/sdk/errors.js';

/** The body every coded error gets over HTTP. */
export function errorBody(err: DubarrError): { error: { code: string; message: string; hint: string } } {
  return { error: { code: err.code, message: err.message, hint: err.hint } };
}

/** A thrown value as a JSON error with the error table's status. */
export function errorResponse(e: unknown, c: Context): Response {
  const err = DubarrError.from(e);
  return c.json(errorBody(err), err.status as 400);
}
