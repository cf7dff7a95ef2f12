/**
 * How the GitHub runner reads workflow commands in a step's output, ported for tests from
 * actions/runner:
 *   - src/Runner.Sdk/ProcessInvoker.cs: output is read line by line (StreamReader.ReadLine: a line
 *     ends at \n, \r or \r\n);
 *   - src/Runner.Worker/Handlers/OutputManager.cs: a line is offered as a command only when it holds
 *     `##[` or `::`;
 *   - src/Runner.Common/ActionCommand.cs: TryParseV2 (`::name props::data` at the start of the line
 *     once leading white space is trimmed; props `k=v` split at `,`) and, when that fails, TryParse
 *     (v1: `##[name props]data` anywhere in the line; props split at `;`), each only for a registered
 *     command name (case-insensitive), with their unescaping;
 *   - src/Runner.Worker/ActionCommandManager.cs: `stop-commands` with a token stops all processing
 *     until a command named by that token (v2 or v1) comes; the token is registered as a command
 *     meanwhile and masked when longer than six characters; `add-mask` masks its data and each of
 *     its trimmed lines.
 * Not ported: what each command does beyond that (the tests look at which commands were read).
 */

/** Commands the runner registers (ActionCommandManager and its extensions). */
const REGISTERED = [
  'stop-commands',
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'debug',
  'warning',
  'error',
  'notice',
  'group',
  'endgroup',
  'echo'
];

export interface RunnerCommand {
  /** The name as read (a resume names the stop token). */
  command: string;
  properties: Record<string, string>;
  data: string;
  /** The line it came from, and which stream. */
  line: string;
  stream: 'stdout' | 'stderr';
  /** `stop-commands` and the command that resumed after it. */
  kind?: 'stop' | 'resume';
}

export interface RunnerLog {
  /** Every command the runner acted on, in order, including stop and resume. */
  commands: RunnerCommand[];
  /** Values registered through `add-mask` (with their lines) and stop tokens. */
  masks: string[];
  /** The lines the log shows as text, masked as the runner masks them. */
  text: string[];
  /**
   * Every line but `add-mask` commands, masked with the masks registered before it: what anyone who
   * reads the log or its annotations can see.
   */
  shown: string[];
  /** A stop token still waiting for its resume at the end. */
  stoppedAt?: string;
}

/** .NET's char.IsWhiteSpace, which String.TrimStart uses. */
const DOTNET_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

function replaceAll(text: string, pairs: [string, string][]): string {
  return pairs.reduce((s, [from, to]) => s.split(from).join(to), text);
}

const unescapeData = (s: string) =>
  replaceAll(s, [
    ['%0D', '\r'],
    ['%0A', '\n'],
    ['%25', '%']
  ]);
const unescapeProperty = (s: string) =>
  replaceAll(s, [
    ['%0D', '\r'],
    ['%0A', '\n'],
    ['%3A', ':'],
    ['%2C', ','],
    ['%25', '%']
  ]);
const unescapeV1 = (s: string) =>
  replaceAll(s, [
    ['%3B', ';'],
    ['%0D', '\r'],
    ['%0A', '\n'],
    ['%5D', ']'],
    ['%25', '%']
  ]);

type Parsed = Pick<RunnerCommand, 'command' | 'properties' | 'data'>;

/** `Split('=', 2, RemoveEmptyEntries)`: a pair only when both sides are there. */
function pairs(items: string[], unescape: (s: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items.filter(Boolean)) {
    const at = item.indexOf('=');
    const key = at < 0 ? item : item.slice(0, at);
    const value = at < 0 ? '' : item.slice(at + 1);
    if (key && value) out[key.toLowerCase()] = unescape(value);
  }
  return out;
}

export function parseV2(line: string, registered: Set<string>): Parsed | undefined {
  const message = line.replace(DOTNET_SPACE, '');
  if (!message.startsWith('::')) return undefined;
  const end = message.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = message.slice(2, end);
  const space = info.indexOf(' ');
  const command = space < 0 ? info : info.slice(0, space);
  if (!registered.has(command.toLowerCase())) return undefined;
  const properties =
    space > 0
      ? pairs(
          info
            .slice(space + 1)
            .trim()
            .split(','),
          unescapeProperty
        )
      : {};
  return { command, properties, data: unescapeData(message.slice(end + 2)) };
}

export function parseV1(line: string, registered: Set<string>): Parsed | undefined {
  const start = line.indexOf('##[');
  if (start < 0) return undefined;
  const close = line.indexOf(']', start);
  if (close < 0) return undefined;
  const info = line.slice(start + 3, close);
  const space = info.indexOf(' ');
  const command = space < 0 ? info : info.slice(0, space);
  if (!registered.has(command.toLowerCase())) return undefined;
  const properties = space > 0 ? pairs(info.slice(space + 1).split(';'), unescapeV1) : {};
  return { command, properties, data: unescapeV1(line.slice(close + 1)) };
}

/** The lines of a stream as the runner reads them. */
export function runnerLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function mask(line: string, masks: string[]): string {
  // Longest first, as a longer secret may hold a shorter one.
  return [...masks].sort((a, b) => b.length - a.length).reduce((l, m) => l.split(m).join('***'), line);
}

/**
 * Reads a step's output as the runner does: stdout, then stderr, with one state between them (the
 * runner interleaves the two streams as they come; the step under test writes its commands to
 * stdout only).
 */
export function readRunnerLog(stdout: string, stderr = ''): RunnerLog {
  const registered = new Set(REGISTERED);
  const log: RunnerLog = { commands: [], masks: [], text: [], shown: [] };
  let token: string | undefined;
  const streams: [RunnerCommand['stream'], string][] = [
    ['stdout', stdout],
    ['stderr', stderr]
  ];
  for (const [stream, output] of streams) {
    for (const line of runnerLines(output)) {
      const parsed =
        line.includes('##[') || line.includes('::')
          ? (parseV2(line, registered) ?? parseV1(line, registered))
          : undefined;
      const name = parsed?.command.toLowerCase();
      if (name !== 'add-mask' || token !== undefined) log.shown.push(mask(line, log.masks));
      if (!parsed) {
        log.text.push(mask(line, log.masks));
        continue;
      }
      if (token !== undefined) {
        if (name !== token.toLowerCase()) {
          log.text.push(mask(line, log.masks));
          continue;
        }
        registered.delete(token.toLowerCase());
        token = undefined;
        log.commands.push({ ...parsed, line, stream, kind: 'resume' });
        continue;
      }
      log.commands.push({ ...parsed, line, stream, ...(name === 'stop-commands' ? { kind: 'stop' } : {}) });
      if (name === 'stop-commands') {
        if (
          !parsed.data ||
          registered.has(parsed.data.toLowerCase()) ||
          /^pause-logging$/i.test(parsed.data)
        ) {
          throw new Error(`the runner refuses the stop token in: ${line}`);
        }
        token = parsed.data;
        registered.add(token.toLowerCase());
        if (token.length > 6) log.masks.push(token);
      } else if (name === 'add-mask' && parsed.data.trim() !== '') {
        log.masks.push(parsed.data);
        for (const part of parsed.data.split(/[\r\n]/)) if (part.trim()) log.masks.push(part.trim());
      }
    }
  }
  if (token !== undefined) log.stoppedAt = token;
  return log;
}

/**
 * The step's own commands must be all the runner read: stop/resume pairs with fresh random tokens,
 * no command from inside a fence, nothing left stopped. Returns the commands other than the fences'.
 */
export function ownCommands(log: RunnerLog): RunnerCommand[] {
  if (log.stoppedAt !== undefined) throw new Error(`the log ends stopped (token ${log.stoppedAt})`);
  const seen = new Set<string>();
  const rest: RunnerCommand[] = [];
  for (const [i, c] of log.commands.entries()) {
    if (c.kind === 'stop') {
      const next = log.commands[i + 1];
      if (!/^[0-9a-f]{32}$/.test(c.data)) throw new Error(`a stop token that is not the step's: ${c.line}`);
      if (seen.has(c.data)) throw new Error(`a stop token used twice: ${c.data}`);
      seen.add(c.data);
      if (next?.kind !== 'resume' || next.command !== c.data || next.line !== `::${c.data}::`) {
        throw new Error(`stop-commands ${c.data} not followed by its own resume line`);
      }
    } else if (c.kind !== 'resume') {
      rest.push(c);
    }
  }
  return rest;
}
