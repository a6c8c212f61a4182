/**
 * The REST door for scripts and curl: jobs and their downloads. Handlers parse the request and
 * call the jobs service; nothing here reads the database or the scheduler.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { DubarrError } from '../../plugins/sdk/errors.js';
import type { Artifact } from '../service/artifacts.js';
import type { JobsService } from '../service/jobs-service.js';
import type { JobStatus } from '../jobs/store.js';
import { artifactResponse } from './artifact-response.js';
import { errorResponse } from './error-response.js';

const CreateJobBody = z.strictObject({
  path: z.string().min(1).optional(),
  uploadId: z.string().min(1).optional(),
  targetLanguages: z.array(z.string()).optional(),
  sourceLanguage: z.string().optional(),
  preset: z.string().optional(),
  outputMode: z.enum(['mux', 'sidecar', 'inplace']).optional(),
  outDir: z.string().optional(),
  providers: z.record(z.string(), z.string()).optional(),
  priority: z.enum(['interactive', 'watch', 'backfill']).optional(),
});

/** What clients see of an artifact: never where it lies on disk. */
const publicArtifact = (a: Artifact) => ({ name: a.name, kind: a.kind, language: a.language ?? null, size: a.size, url: a.url });

async function createJobBody(req: Request): Promise<z.infer<typeof CreateJobBody>> {
  const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'multipart/form-data') {
    throw new DubarrError('E_UNSUPPORTED_MEDIA_TYPE', 'POST /api/jobs does not take multipart file uploads yet: upload the file with tus at /uploads, '
      + 'then POST /api/jobs with JSON {"uploadId": "...", "targetLanguages": [...]}; or send JSON {"path": "..."} naming a file the server can read');
  }
  if (type !== 'application/json') throw new DubarrError('E_UNSUPPORTED_MEDIA_TYPE', `POST /api/jobs takes a JSON body (Content-Type: application/json), got '${type || 'none'}'`);
  let body: unknown;
  try {
    body = await req.json();
  } catch (e) {
    throw new DubarrError('E_INVALID_ARGUMENT', `The request body is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = CreateJobBody.safeParse(body);
  if (!parsed.success) {
    throw new DubarrError('E_INVALID_ARGUMENT', `Bad job request: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

export function restRoutes(jobs: JobsService): Hono {
  const api = new Hono();
  api.onError(errorResponse);

  api.post('/api/jobs', async (c) => {
    const job = await jobs.create({ ...await createJobBody(c.req.raw), origin: 'api' });
    return c.json(job, 201, { location: `/api/jobs/${job.id}` });
  });
  api.get('/api/jobs', (c) => {
    const first = c.req.query('first');
    return c.json(jobs.list({
      first: first === undefined ? undefined : Number(first), after: c.req.query('after'),
      status: c.req.query('status') as JobStatus | undefined, search: c.req.query('search'),
    }));
  });
  api.get('/api/jobs/:id', (c) => {
    const job = jobs.get(c.req.param('id'));
    return c.json({ ...job, artifacts: jobs.artifacts(job.id).map(publicArtifact) });
  });
  api.delete('/api/jobs/:id', async (c) => {
    const r = await jobs.delete(c.req.param('id'));
    return c.json({ id: r.id, deleted: true, removedFiles: r.removedFiles.length });
  });
  api.post('/api/jobs/:id/cancel', (c) => c.json(jobs.cancel(c.req.param('id'))));
  api.post('/api/jobs/:id/retry', (c) => c.json(jobs.retry(c.req.param('id'))));
  api.get('/api/jobs/:id/artifacts', (c) => c.json({ items: jobs.artifacts(c.req.param('id')).map(publicArtifact) }));
  // GET also answers HEAD (Hono); artifactResponse sends no body for it.
  api.get('/api/jobs/:id/artifacts/:name', (c) => artifactResponse(jobs.artifact(c.req.param('id'), c.req.param('name')), c.req.raw));
  return api;
}
