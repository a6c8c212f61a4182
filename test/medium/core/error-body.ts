import assert from 'node:assert/strict';

/** The body of every coded error the HTTP server answers. */
export interface ErrorBody { error: { code: string; message: string; hint: string } }

/** Asserts a coded error answer: its status, its code, a message and a hint; returns the body. */
export async function expectError(res: Response, status: number, code: string): Promise<ErrorBody> {
  const body = await res.json() as ErrorBody;
  assert.equal(res.status, status, JSON.stringify(body));
  assert.equal(body.error.code, code);
  assert.ok(body.error.message && body.error.hint, 'message and hint');
  return body;
}
