/** Argument checks shared by the wrappers; each failure is E_INVALID_ARGUMENT naming the argument. */
import { isAbsolute, resolve } from 'node:path';
import { invalidArgument } from './errors.js';

export function requirePath(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0) throw invalidArgument(`${what} must be a non-empty path string`);
  if (value.includes('\0')) throw invalidArgument(`${what} must not contain NUL characters`);
  // libav resolves relative names against the process cwd too; making them absolute here
  // keeps error messages and the temp-file folder unambiguous.
  return isAbsolute(value) ? value : resolve(value);
}

export function optionalInt(value: unknown, what: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidArgument(`${what} must be an integer from ${min} to ${max}`);
  }
  return value;
}

export function optionalNumber(value: unknown, what: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw invalidArgument(`${what} must be a number from ${min} to ${max}`);
  }
  return value;
}

export function optionalBoolean(value: unknown, what: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalidArgument(`${what} must be a boolean`);
  return value;
}

export function optionalString(value: unknown, what: string, maxLength = 1024): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > maxLength || value.includes('\0')) {
    throw invalidArgument(`${what} must be a string of at most ${maxLength} characters`);
  }
  return value;
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalidArgument(`${what} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
  return value as T;
}

export function requireObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidArgument(`${what} must be an object`);
  return value as Record<string, unknown>;
}

/** Sample rates libswresample handles sensibly for speech and music work. */
export const SAMPLE_RATE_RANGE = [1000, 384000] as const;
