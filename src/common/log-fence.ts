/**
 * Fences for text the step did not write (inputs, the event, registry and API answers, the output
 * of child processes), so that the runner reads no workflow command in it.
 *
 * The runner (actions/runner, src/Runner.Worker/Handlers/OutputManager.cs and
 * src/Runner.Common/ActionCommand.cs) looks at a line for commands only when it holds `##[` (a v1
 * command, found anywhere in the line) or `::` (a v2 command, at the start of the line once leading
 * white space is trimmed, by .NET's idea of white space). A text with neither is inert. Any other
 * text goes between `::stop-commands::<token>` and `::<token>::`: while stopped, the runner acts on
 * nothing but the command named by the token, which is fresh and random for every fence, so that no
 * content can know it. A fence is one string, written at once, so that nothing else the step prints
 * can land inside it.
 */
import { randomBytes } from 'node:crypto';

const V1 = '##[';
const V2 = '::';

/** True when the runner could read a command in `text`: it holds `##[` or `::` anywhere. */
export function needsFence(text: string | Uint8Array): boolean {
  if (typeof text === 'string') return text.includes(V1) || text.includes(V2);
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength);
  return bytes.includes(V1) || bytes.includes(V2);
}

/** A stop token: 128 random bits in hex, never the name of a runner command. */
export function fenceToken(): string {
  return randomBytes(16).toString('hex');
}

function endsWithBreak(text: string | Buffer): boolean {
  const last = typeof text === 'string' ? text.charCodeAt(text.length - 1) : text[text.length - 1];
  return last === 0x0a || last === 0x0d;
}

/**
 * What to write for `text` so that the runner reads no command in it: the text itself when it is
 * inert, else the text fenced. The result always ends with a line break.
 */
export function fenced(text: string, token?: string): string;
export function fenced(text: Buffer, token?: string): Buffer;
export function fenced(text: string | Buffer, token?: string): string | Buffer {
  const end = text.length === 0 || endsWithBreak(text) ? '' : '\n';
  if (!needsFence(text))
    return typeof text === 'string' ? text + end : Buffer.concat([text, Buffer.from(end)]);
  // A token the text already holds (it cannot know it, but it costs nothing to be sure) is replaced.
  let stop = token ?? fenceToken();
  while (text.includes(stop)) stop = fenceToken();
  const open = `::stop-commands::${stop}\n`;
  const close = `${end}::${stop}::\n`;
  return typeof text === 'string'
    ? open + text + close
    : Buffer.concat([Buffer.from(open), text, Buffer.from(close)]);
}

/**
 * Cuts a byte stream into runs of whole lines, so that a fence never splits a line: a partial line
 * waits for its line break, or for `end()`. A partial line longer than `limit` bytes is let out with
 * a line break (at a character boundary), so that a command that never ends its line cannot fill the
 * memory.
 */
export class LineBuffer {
  private partial: Buffer = Buffer.alloc(0);

  constructor(private readonly limit = 64 * 1024) {}

  /** The whole lines that `chunk` completes (with what was held before), or undefined. */
  write(chunk: Buffer): Buffer | undefined {
    const all = this.partial.length ? Buffer.concat([this.partial, chunk]) : chunk;
    const last = all.lastIndexOf(0x0a);
    if (last >= 0) {
      this.partial = Buffer.from(all.subarray(last + 1));
      return all.subarray(0, last + 1);
    }
    if (all.length <= this.limit) {
      this.partial = Buffer.from(all);
      return undefined;
    }
    const cut = characterEnd(all);
    this.partial = Buffer.from(all.subarray(cut));
    return Buffer.concat([all.subarray(0, cut), Buffer.from('\n')]);
  }

  /** The partial line still held, with a line break; undefined when none. */
  end(): Buffer | undefined {
    if (this.partial.length === 0) return undefined;
    const rest = Buffer.concat([this.partial, Buffer.from('\n')]);
    this.partial = Buffer.alloc(0);
    return rest;
  }
}

/** Where the last whole UTF-8 character of `bytes` ends (a character cut short stays out). */
function characterEnd(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back];
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return size > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}
