export { recordingScript as default } from './recording.stage.js';
