/**
 * The replicate plugin's client as other code uses it (the lip-sync engine callback, the HTTP
 * server's webhook route): build a connection from the plugin's options, check a model's
 * inputs, run a prediction (paid and cached, or bare), move files in and out.
 *
 *   const conn = connection(options, ctx);
 *   const version = await checkModel(conn, options, model, names, extra, 'plugins.options.replicate.lipsync', ctx.signal);
 *   const out = await predictPaid(ctx, conn, { model, billedBy: 'predictSeconds', estimateSeconds: 60 }, cache, {
 *     name: 'span-3', what: 'lip-sync of span 3', key, input: async () => ({ video: await uploadFile(conn, clip, ctx.signal), audio: ... }),
 *     webhook: await webhookMode(conn, options, ctx.signal),
 *   });
 */
export type { ReplicateConnection } from './api.js';
export { downloadOutputs, uploadFile } from './files.js';
export { checkInputNames, modelInputs } from './model-schema.js';
export { predictPaid, type PaidModel, type PaidOutputs, type PaidPrediction } from './paid-prediction.js';
export { outputUrls, type Prediction, type PredictionStatus } from './prediction.js';
export { runPrediction, splitModel, type PredictionRun } from './run-prediction.js';
export { checkModel, connection, modelInput, webhookMode } from './stage-setup.js';
export { deliverReplicateWebhook } from './webhook-registry.js';
