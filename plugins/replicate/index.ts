import { definePlugin } from '../sdk/index.js';
import { ReplicateOptions } from './options.js';

export default definePlugin<ReplicateOptions>({
  name: 'replicate',
  version: '1.0.0',
  description: 'Replicate models for generated media: a music bed (MusicGen class), video clips (Wan, Kling, MiniMax class), each fitted to the plan, and lip-sync of the dubbed shots that show a face; predictions with Prefer: wait, polling or signed webhooks, cancel, and per-clip caching so nothing is bought twice.',
  options: ReplicateOptions,
  stages: [
    // Both only wait: on HTTP, on the ffmpeg CLI and on native calls that run off the thread.
    // On the main thread they also meet the webhook deliveries the HTTP server hands over.
    { id: 'replicate:music', capability: 'music', runIn: 'main', entry: new URL('./music.stage.js', import.meta.url), weight: 2 },
    { id: 'replicate:video', capability: 'video', runIn: 'main', entry: new URL('./video.stage.js', import.meta.url), weight: 4 },
    // In the pool: looking for faces decodes frames synchronously. Its predictions are polled
    // (webhook deliveries reach the main thread only).
    { id: 'replicate:lipsync', capability: 'lipsync', runIn: 'worker', entry: new URL('./lipsync.stage.js', import.meta.url), weight: 4 },
  ],
  async available(o) {
    if (!o.apiKey) return { ok: false, reason: 'no API token: set plugins.options.replicate.apiKey (or DUBARR_PLUGINS_OPTIONS_REPLICATE__API_KEY)' };
    return { ok: true, reason: `models ${o.music.model} (music), ${o.video.model} (video), ${o.lipsync.model} (lipsync)` };
  },
  // Results follow from the models run; an unpinned model's latest version is not known offline.
  async engine(o) {
    return { music: o.music.model, video: o.video.model, lipsync: o.lipsync.model };
  },
});
