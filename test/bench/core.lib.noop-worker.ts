/** The bare piscina baseline: a worker function that does nothing. */
export default function noop(): null { return null; }
