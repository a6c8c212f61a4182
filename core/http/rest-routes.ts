/**
 * The REST door for scripts and curl: jobs (created from JSON, or from a multipart form with the
 * file: multipart-job.ts) and their downloads. Handlers parse the request and call the jobs
 * service; nothing here reads the database or the scheduler.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { DubarrError } from '../../plugins/sdk/errors.js';
import type { Artifact } from '../service/artifacts.js';
import type { JobsService } from '../service/jobs-service.js';
import type { JobView } from '../service/job-view.js';
import type { JobStatus } from '../jobs/store.js';
import { artifactResponse } from './artifact-response.js';
import { errorResponse } from './error-response.js';
import { createJobFromForm, JOB_FILE_FIELD, type MultipartJobOptions } from './multipart-job.js';

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

/** A job request, from the JSON body or a multipart form's fields; E_INVALID_ARGUMENT naming what is wrong. */
function parseJobBody(body: unknown): z.infer<typeof CreateJobBody> {
  const parsed = CreateJobBody.safeParse(body);
  if (!parsed.success) {
    throw new DubarrError('E_INVALID_ARGUMENT', `Bad job request: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

async function jsonJobBody(req: Request): Promise<z.infer<typeof CreateJobBody>> {
  let body: unknown;
  try {
    body = await req.json();
  } catch (e) {
    throw new DubarrError('E_INVALID_ARGUMENT', `The request body is not valid JSON: ${(e as Error).message}`);
  }
  return parseJobBody(body);
}

/** `multipart`: what a multipart `POST /api/jobs` (the file itself) needs: the uploads and their limit. */
export function restRoutes(jobs: JobsService, multipart: Omit<MultipartJobOptions, 'jobs'>): Hono {
  const api = new Hono();
  api.onError(errorResponse);

  api.post('/api/jobs', async (c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    let job: JobView;
    if (type === 'application/json') job = await jobs.create({ ...await jsonJobBody(c.req.raw), origin: 'api' });
    else if (type === 'multipart/form-data') job = await createJobFromForm(c.req.raw, { ...multipart, jobs, parse: parseJobBody });
    else {
      throw new DubarrError('E_UNSUPPORTED_MEDIA_TYPE', `POST /api/jobs takes a JSON body (Content-Type: application/json) or a multipart/form-data form with the file in the field '${JOB_FILE_FIELD}', got '${type || 'none'}'`);
    }
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
