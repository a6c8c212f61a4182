export { recordingTimeline as default } from './recording.stage.js';
