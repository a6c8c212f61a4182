import type { PredictionStatus } from './prediction.js';

/** How far a prediction is, by its status, for the stage's progress bar (Replicate gives no finer figure). */
export const PREDICTION_PROGRESS: Readonly<Record<PredictionStatus, number>> = {
  starting: 0.1, processing: 0.4, succeeded: 1, failed: 1, canceled: 1, aborted: 1,
};
