/** Longest name kept, in UTF-8 bytes: room for a language suffix within the usual 255-byte limit. */
const MAX_NAME_BYTES = 200;

/**
 * The client's file name from tus metadata (`filename`), made safe to use as the last part of
 * a path: the folders a browser or script may prepend are dropped, control characters and the
 * characters Windows and Samba refuse become '_', leading dots go (no hidden files, no '..'),
 * and the name is cut to MAX_NAME_BYTES keeping its extension. Undefined when nothing is left.
 */
export function safeUploadFilename(raw: string | null | undefined): string | undefined {
  if (!raw) return undefined;
  const base = raw.split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  let name = base.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_').trim().replace(/^\.+/, '').replace(/[. ]+$/, '');
  if (name === '') return undefined;
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) name = shorten(name);
  return name;
}

function shorten(name: string): string {
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
  // Cut by code points, so no character is split in half.
  const stem = [...name.slice(0, name.length - ext.length)];
  while (Buffer.byteLength(stem.join('') + ext) > MAX_NAME_BYTES) stem.pop();
  return stem.join('') + ext;
}
