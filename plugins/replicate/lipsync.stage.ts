/**
 * replicate:lipsync: the SDK's lip-sync step (lipsync-stage.ts finds the dubbed lines that show a
 * face, cuts keyframe-aligned spans and splices the results back) with a Replicate model as its
 * engine: each span's picture and dub are uploaded, the model re-renders the mouth, and the
 * output is downloaded at once. A span is bought once: keyed by the bytes of its picture and
 * its dub, so a resumed job, or a re-run after a change elsewhere, pays only for new spans.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { lipsyncStage } from '../sdk/lipsync-stage.js';
import { parseOptions, ProviderResultCache } from '../sdk/index.js';
import { uploadFile } from './files.js';
import { ReplicateOptions, type LipsyncOptions } from './options.js';
import { predictPaid } from './paid-prediction.js';
import { splitModel } from './run-prediction.js';
import { checkModel, connection, modelInput } from './stage-setup.js';

const digest = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

export default lipsyncStage<unknown>({
  settings: (options) => {
    const { model: _m, input: _i, extra: _e, billedBy: _b, estimateSeconds: _s, ...settings } = parseOptions(ReplicateOptions, { options, params: {}, inputs: {} }, 'replicate').lipsync;
    return settings;
  },
  engine: (input, ctx) => {
    const o = parseOptions(ReplicateOptions, input, 'replicate');
    const l: LipsyncOptions = o.lipsync;
    const conn = connection(o, ctx);
    const cache = new ProviderResultCache('replicate');
    let version: Promise<string | undefined> | undefined;
    return async (span, signal) => {
      // Checked once, before the first span is bought (not at all when no line shows a face).
      version ??= checkModel(conn, o, l.model, l.input, l.extra, 'plugins.options.replicate.lipsync', signal);
      const latest = await version;
      const bought = await predictPaid({ ...ctx, signal }, conn, l, cache, {
        name: `lipsync-${span.startMs}`,
        what: `lip-sync of ${((span.endMs - span.startMs) / 1000).toFixed(1)} s from ${l.model}`,
        key: { kind: 'lipsync', text: `${await digest(span.video)}:${await digest(span.audio)}`, voice: l.model, settings: { input: modelInput(l.input, {}, l.extra) } },
        input: async () => modelInput(l.input, { video: await uploadFile(conn, span.video, signal), audio: await uploadFile(conn, span.audio, signal) }, l.extra),
        latestVersion: splitModel(l.model).version ? undefined : latest,
      });
      ctx.log.info({ prediction: bought.prediction, cached: bought.cached, startMs: span.startMs, endMs: span.endMs }, 'replicate: span lip-synced');
      return bought.files[0]!;
    };
  },
});
