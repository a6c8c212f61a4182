import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export interface LoggerOptions {
  level: string;
  pretty: 'auto' | 'always' | 'never';
  /** Defaults to stderr, so stdout stays clean for command output. */
  fd?: number;
}

/** JSON lines, or human-readable lines on a terminal; written synchronously so nothing is lost on exit. */
export function createLogger(o: LoggerOptions): Logger {
  const fd = o.fd ?? 2;
  const isTty = fd === 1 ? process.stdout.isTTY : process.stderr.isTTY;
  const usePretty = o.pretty === 'always' || (o.pretty === 'auto' && isTty);
  const base = { level: o.level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime };
  if (usePretty) {
    return pino(base, pretty({ destination: fd, sync: true, colorize: isTty, translateTime: 'SYS:HH:MM:ss', ignore: 'hostname,pid' }));
  }
  return pino(base, pino.destination({ fd, sync: true }));
}
