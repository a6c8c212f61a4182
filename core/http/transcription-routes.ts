/**
 * The transcription doors for existing clients: whisper-asr-webservice's API (POST /asr and
 * /detect-language, which Bazarr's Whisper provider calls) and OpenAI's
 * (POST /v1/audio/transcriptions). Each handler streams the multipart upload into a workspace
 * of the transcription service, bounded by server.maxUploadBytes, and calls the service; the
 * request's signal (aborted when the client goes away) cancels the work.
 */
import { Hono } from 'hono';
import type { Runtime } from '../app/runtime.js';
import { countUploadBytes } from '../ops/metrics.js';
import type { TranscriptionService } from '../service/transcription.js';
import { receiveMultipart, type MultipartUpload } from './multipart-upload.js';
import { openAiTranscriptionRoutes } from './openai-transcription-routes.js';
import { whisperAsrRoutes } from './whisper-asr-routes.js';

export interface TranscriptionDoor {
  service: TranscriptionService;
  /** Receives the request's file (field `fileField`) and runs `fn` on it; the upload is gone afterwards. */
  withUpload<T>(req: Request, fileField: string, fn: (upload: MultipartUpload) => Promise<T>): Promise<T>;
}

export function transcriptionRoutes(rt: Runtime): Hono {
  const service = rt.transcription;
  const door: TranscriptionDoor = {
    service,
    withUpload: (req, fileField, fn) => service.withWorkspace(async (dir) => {
      const upload = await receiveMultipart(req, { fileField, dir, maxBytes: rt.config.server.maxUploadBytes });
      countUploadBytes(rt, upload.file.size);
      return fn(upload);
    }),
  };
  const app = new Hono();
  app.route('/', whisperAsrRoutes(door));
  app.route('/', openAiTranscriptionRoutes(door));
  return app;
}
