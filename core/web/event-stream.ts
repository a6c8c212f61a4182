/**
 * A text/event-stream reader over a fetch body. The page cannot use EventSource: it sends no
 * headers, and the API key travels in one (X-Api-Key). Reads the fields the server sends (event,
 * data) by the HTML spec's rules: lines end in LF, CRLF or CR; a blank line ends an event; a line
 * starting with ':' is a comment (yoga's keep-alive pings); one space after the colon is dropped.
 */
export interface StreamEvent { event: string; data: string }

/** The stream's events as they arrive; `opened` runs once, at its first bytes. Ends with the body. */
export async function* eventStream(body: ReadableStream<Uint8Array>, opened: () => void): AsyncGenerator<StreamEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let first = true;
  let event = '';
  let data: string[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      if (first) { first = false; opened(); }
      text += decoder.decode(value, { stream: true });
      // Keep a trailing CR: its LF may be in the next chunk.
      const lines = text.split(/\r\n|\r(?!$)|\n/);
      text = lines.pop()!;
      for (const line of lines) {
        if (line === '') {
          if (data.length) yield { event: event || 'message', data: data.join('\n') };
          event = '';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
    }
  } finally {
    // Stopped early (a complete event, an error): closing the body ends the request.
    await reader.cancel().catch(() => undefined);
  }
}
