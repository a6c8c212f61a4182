/**
 * lipsyncStage with the local inverting engine (lipsync-engine.testkit.ts), as a stage module the
 * tests load the way the runtime loads a plugin's stage. `localLipsync.calls` lists the spans the
 * engine was given.
 */
import { invertingEngine } from './lipsync-engine.testkit.js';
import { lipsyncStage } from './lipsync-stage.js';

export const localLipsync = invertingEngine();

export default lipsyncStage(localLipsync.engine);
