export * from './errors.js';
export * from './plugin.js';
export * from './languages.js';
export * from './artifacts.js';
export * from './glossary.js';
export * from './synthesis.js';
export * from './sidecar-name.js';
export * from './stage-input.js';
