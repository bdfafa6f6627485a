import { describe, expect, it } from 'vitest';
import { LineReader } from '../../electron/core/sessions/hostWire';

/** Every message a reader makes of the chunks, in order. */
function read(chunks: string[]): unknown[] {
  const messages: unknown[] = [];
  const reader = new LineReader((message) => messages.push(message));
  for (const chunk of chunks) reader.push(chunk);
  return messages;
}

describe('the host wire’s line reader', () => {
  it('reads the same messages however the stream is cut: many in one chunk, one across many, a cut right at a line end', () => {
    const messages = [{ t: 'ping' }, { t: 'event', data: 'a\nb\u001b[0m'.repeat(50) }, { t: 'reply', id: 7, ok: true, value: null }];
    const stream = messages.map((m) => `${JSON.stringify(m)}\n`).join('');
    expect(read([stream])).toEqual(messages);
    expect(read([...stream])).toEqual(messages);
    for (const size of [3, 17, 64]) {
      const chunks: string[] = [];
      for (let i = 0; i < stream.length; i += size) chunks.push(stream.slice(i, i + size));
      expect(read(chunks), `chunks of ${size}`).toEqual(messages);
    }
    const firstEnd = stream.indexOf('\n') + 1;
    expect(read([stream.slice(0, firstEnd), stream.slice(firstEnd)])).toEqual(messages);
  });

  it('waits for the end of a line, skips empty lines, and throws on a line that is not JSON', () => {
    const messages: unknown[] = [];
    const reader = new LineReader((message) => messages.push(message));
    reader.push('{"t":"pi');
    expect(messages).toEqual([]);
    reader.push('ng"}\n\n\n{"t":"ping"}');
    expect(messages).toEqual([{ t: 'ping' }]);
    reader.push('\n');
    expect(messages).toEqual([{ t: 'ping' }, { t: 'ping' }]);
    expect(() => reader.push('not json\n')).toThrow(SyntaxError);
  });
});
