/** A path as one word for a POSIX shell, in the commands an error tells the user to run. */
export function shellQuote(path: string): string {
  return `'${path.replaceAll("'", "'\\''")}'`;
}
