/**
 * Runs a command and captures its output; a failure carries the command's own last error line.
 * Each child leads its own process group, so that a cancelled step stops the command and whatever it
 * started (`docker` runs `docker-buildx` as a child); only the tail of its output is kept.
 */
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { processStart, stopGroup } from './processes.js';
import { LineBuffer } from './log-fence.js';
import { onCancel, writeLog } from './runner.js';

export interface ExecOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Echo the command's output to the log while it runs. */
  stream?: boolean;
  /** With `stream`: the output is held back until this settles, then echoed (dropped if `signal` fired). */
  hold?: Promise<unknown>;
  /** Stops the command's process group. */
  signal?: AbortSignal;
  /** Resolve instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
  /** Keep stdout's bytes whole as well (`stdoutBytes`), e.g. to compute a digest of them. */
  bytes?: boolean;
  /**
   * While the command runs, a file holding its process group and start time, so that the post step
   * can stop a command that a killed main step left running.
   */
  pidFile?: string;
}

export interface ExecResult {
  code: number;
  /** The decoded output; only the last `OUTPUT_LIMIT` characters of each stream. */
  stdout: string;
  stderr: string;
  /** stdout's bytes, all of them, when `bytes` was asked for. */
  stdoutBytes?: Buffer;
}

export class ExecError extends Error {
  constructor(
    message: string,
    readonly result: ExecResult
  ) {
    super(message);
    this.name = 'ExecError';
  }
}

/** How much of each output stream is kept, in characters: errors need the tail, not a whole build log. */
export const OUTPUT_LIMIT = 1 << 20;

/**
 * The decoded tail of a byte stream: a streaming decoder keeps a UTF-8 character split between two
 * chunks whole; beyond `limit` characters the head is dropped, at a line break where there is one.
 */
export class OutputTail {
  private readonly decoder = new StringDecoder('utf8');
  private text = '';
  /** Characters dropped from the head. */
  dropped = 0;

  constructor(private readonly limit = OUTPUT_LIMIT) {}

  write(chunk: Buffer): void {
    this.keep(this.decoder.write(chunk));
  }

  end(): string {
    this.keep(this.decoder.end());
    return this.text;
  }

  private keep(part: string): void {
    if (!part) return;
    this.text += part;
    // Trimmed only once the text is twice the limit, so that a long output is sliced seldom.
    if (this.text.length <= this.limit * 2) return;
    let cut = this.text.length - this.limit;
    const line = this.text.indexOf('\n', cut);
    if (line >= 0 && line < this.text.length - 1) cut = line + 1;
    else if (/[\uDC00-\uDFFF]/.test(this.text[cut])) cut++; // never half a surrogate pair
    this.dropped += cut;
    this.text = this.text.slice(cut);
  }
}

/** The line that explains a failure: the last `ERROR:`/`error:` line, else the last non-empty one. */
export function errorLine(output: string): string {
  const lines = output
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(Boolean);
  const marked = lines.filter(l => /^(ERROR|error|Error)\b[:\s]/.test(l));
  return (marked.at(-1) ?? lines.at(-1) ?? '').replace(/^#\d+\s+/, '');
}

/** Children running now, by pid: a cancelled step stops their process groups. */
const running = new Map<number, Promise<void>>();
let cancelHooked = false;

async function stopRunning(): Promise<void> {
  await Promise.all([...running.entries()].map(([pid, closed]) => stopGroup(pid, closed)));
}

interface Echo {
  write: (chunk: Buffer) => void;
  /** Lets out a last line that lacks its line break. */
  end: () => void;
}

/**
 * Writes a command's output to the log, each stream in whole lines, each run of lines fenced where
 * the runner could read a command in it (the command's output is not the step's own): at once, or
 * once `hold` settles (nothing if stopped by then). Returns a maker of one writer per stream.
 */
function echoer(opts: ExecOptions): () => Echo {
  if (!opts.stream) return () => ({ write: () => {}, end: () => {} });
  let held: Buffer[] | undefined = opts.hold ? [] : undefined;
  const show = (run: Buffer | undefined) => {
    if (!run) return;
    if (held) held.push(run);
    else if (!opts.signal?.aborted) writeLog(run);
  };
  if (opts.hold) {
    const release = () => {
      const runs = held ?? [];
      held = undefined;
      // Let out as one run: one fence around all of it where it needs one.
      if (!opts.signal?.aborted && runs.length > 0) writeLog(Buffer.concat(runs));
    };
    opts.hold.then(release, release);
  }
  return () => {
    const lines = new LineBuffer();
    return { write: chunk => show(lines.write(chunk)), end: () => show(lines.end()) };
  };
}

export function exec(command: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  if (!cancelHooked) {
    cancelHooked = true;
    onCancel(stopRunning);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true
    });
    const pid = child.pid;
    let closed: () => void = () => {};
    if (pid !== undefined) {
      running.set(pid, new Promise<void>(res => (closed = res)));
      if (opts.pidFile) writeFileSync(opts.pidFile, `${pid} ${processStart(pid)}\n`, { mode: 0o600 });
    }
    // A stop signal stops the group while it runs, never a later one that got the same id.
    const stop = () => {
      if (pid !== undefined && running.has(pid)) void stopGroup(pid, running.get(pid));
    };
    const forget = () => {
      opts.signal?.removeEventListener('abort', stop);
      if (pid === undefined) return;
      running.delete(pid);
      if (opts.pidFile) rmSync(opts.pidFile, { force: true });
      closed();
    };
    const out = new OutputTail();
    const err = new OutputTail();
    const bytes: Buffer[] = [];
    const echo = echoer(opts);
    const echoOut = echo();
    const echoErr = echo();
    child.stdout.on('data', (chunk: Buffer) => {
      out.write(chunk);
      if (opts.bytes) bytes.push(chunk);
      echoOut.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err.write(chunk);
      echoErr.write(chunk);
    });
    if (opts.signal?.aborted) stop();
    else opts.signal?.addEventListener('abort', stop, { once: true });
    child.on('error', e => {
      forget();
      reject(new ExecError(`${command}: ${e.message}`, { code: -1, stdout: out.end(), stderr: err.end() }));
    });
    child.on('close', (code, signal) => {
      echoOut.end();
      echoErr.end();
      forget();
      const result: ExecResult = { code: code ?? -1, stdout: out.end(), stderr: err.end() };
      if (opts.bytes) result.stdoutBytes = Buffer.concat(bytes);
      if (result.code !== 0 && !opts.allowFailure) {
        const line =
          errorLine(result.stderr) ||
          errorLine(result.stdout) ||
          (signal ? `stopped by ${signal}` : `exit code ${result.code}`);
        reject(
          new ExecError(`${command} ${args[0] ?? ''} failed: ${line}`.replace(/\s+failed/, ' failed'), result)
        );
      } else {
        resolve(result);
      }
    });
    // A command that exits without reading its input must not crash the step with EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}
