/**
 * The API key: asked for once (when a request answers 401), kept in localStorage and sent on
 * every request. Also set as a SameSite=Strict cookie scoped to /api/jobs, which the server
 * accepts for artifact reads only: `<video src>` and download links carry no headers.
 */
const STORAGE_KEY = 'dubarr.apiKey';
const COOKIE = 'dubarr_key';

export function storedKey(): string | undefined {
  return localStorage.getItem(STORAGE_KEY) ?? undefined;
}

function remember(key: string): void {
  localStorage.setItem(STORAGE_KEY, key);
  document.cookie = `${COOKIE}=${encodeURIComponent(key)}; path=/api/jobs; max-age=31536000; SameSite=Strict`;
}

export function forgetKey(): void {
  localStorage.removeItem(STORAGE_KEY);
  document.cookie = `${COOKIE}=; path=/api/jobs; max-age=0; SameSite=Strict`;
}

let asking: Promise<string> | undefined;

/**
 * Shows the key dialog (once, however many requests were refused at the same time) and
 * resolves with the key typed. `wrong`: the key sent was refused, say so.
 */
export function askForKey(wrong: boolean): Promise<string> {
  asking ??= new Promise<string>((resolve) => {
    const dialog = document.getElementById('key-dialog') as HTMLDialogElement;
    const form = dialog.querySelector('form')!;
    const input = dialog.querySelector('input')!;
    const note = dialog.querySelector('.key-note')!;
    note.replaceChildren(wrong ? 'The key was refused (revoked or mistyped). Enter a valid key.' : 'This server needs an API key. Make one on the server with ',
      ...wrong ? [] : [Object.assign(document.createElement('code'), { textContent: 'dubarr keys create --name phone' })]);
    input.value = '';
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const key = input.value.trim();
      if (!key) return;
      remember(key);
      dialog.close();
      asking = undefined;
      resolve(key);
    }, { once: true });
    dialog.showModal();
    input.focus();
  });
  return asking;
}

/** The key button in the header: forget the key and ask again. */
export function changeKey(): Promise<string> {
  forgetKey();
  return askForKey(false);
}
