// Server-sent events from a stream of text, by a well-kept parser
// (eventsource-parser): `data` fields joined across lines, comments (which
// servers send to show they are alive) skipped, events split across chunks
// put back together.
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** The `data` of each event in `chunks`, in order. */
export async function* sseData(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  const ready: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => ready.push(event) });
  for await (const chunk of chunks) {
    parser.feed(chunk);
    while (ready.length > 0) yield ready.shift()!.data;
  }
  // A last event without its blank line still counts.
  parser.reset({ consume: true });
  while (ready.length > 0) yield ready.shift()!.data;
}
