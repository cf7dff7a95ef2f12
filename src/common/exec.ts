/** Runs a command and captures its output; a failure carries the command's own last error line. */
import { spawn } from 'node:child_process';

export interface ExecOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Echo the command's output to the log while it runs. */
  stream?: boolean;
  /** Resolve instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
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

/** The line that explains a failure: the last `ERROR:`/`error:` line, else the last non-empty one. */
export function errorLine(output: string): string {
  const lines = output
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(Boolean);
  const marked = lines.filter(l => /^(ERROR|error|Error)\b[:\s]/.test(l));
  return (marked.at(-1) ?? lines.at(-1) ?? '').replace(/^#\d+\s+/, '');
}

export function exec(command: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe']
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      if (opts.stream) process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
      if (opts.stream) process.stdout.write(chunk);
    });
    child.on('error', err =>
      reject(new ExecError(`${command}: ${err.message}`, { code: -1, stdout, stderr }))
    );
    child.on('close', code => {
      const result = { code: code ?? -1, stdout, stderr };
      if (result.code !== 0 && !opts.allowFailure) {
        const line = errorLine(stderr) || errorLine(stdout) || `exit code ${result.code}`;
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
