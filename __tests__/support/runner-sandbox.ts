/**
 * The runner's side of a step, for unit tests: each test gets its own temp folder as RUNNER_TEMP
 * with empty command files (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV, GITHUB_STEP_SUMMARY), its
 * stdout captured, and reads back what the step wrote the way the runner parses it. The
 * environment, stdout and `process.exitCode` are restored after each test.
 */
import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFileCommands } from './action-runner.js';

export interface RunnerSandbox {
  /** This test's folder: RUNNER_TEMP, and where the command files are. */
  readonly dir: string;
  /** Everything the step printed to stdout, in order. */
  printed(): string;
  /** Each write to stdout. */
  writes(): string[];
  /** The outputs, state entries and exported variables as the runner reads them. */
  outputs(): Record<string, string>;
  state(): Record<string, string>;
  exported(): Record<string, string>;
  /** The job summary as written. */
  summary(): string;
}

const FILES = {
  GITHUB_OUTPUT: 'output',
  GITHUB_STATE: 'state',
  GITHUB_ENV: 'env',
  GITHUB_STEP_SUMMARY: 'summary'
};

/**
 * Registers the sandbox around each test of the enclosing `describe` (or file). `env` is set on top
 * (undefined removes a variable) after the command files.
 */
export function runnerSandbox(
  prefix = 'runner-',
  env: Record<string, string | undefined> = {}
): RunnerSandbox {
  let dir = '';
  let saved: NodeJS.ProcessEnv = {};
  let exitCode: typeof process.exitCode;
  let writes: string[] = [];
  beforeEach(() => {
    saved = { ...process.env };
    exitCode = process.exitCode;
    dir = mkdtempSync(join(tmpdir(), prefix));
    process.env.RUNNER_TEMP = dir;
    for (const [name, file] of Object.entries(FILES)) {
      writeFileSync(join(dir, file), '');
      process.env[name] = join(dir, file);
    }
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    writes = [];
    jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      writes.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.env = saved;
    process.exitCode = exitCode;
  });
  const file = (name: keyof typeof FILES) => readFileSync(join(dir, FILES[name]), 'utf8');
  return {
    get dir() {
      return dir;
    },
    printed: () => writes.join(''),
    writes: () => writes,
    outputs: () => parseFileCommands(file('GITHUB_OUTPUT')),
    state: () => parseFileCommands(file('GITHUB_STATE')),
    exported: () => parseFileCommands(file('GITHUB_ENV')),
    summary: () => file('GITHUB_STEP_SUMMARY')
  };
}

/** What `fn` writes to stdout, each write in order, with its result; stdout restored after. */
export async function captureStdout<T>(
  fn: () => T | Promise<T>
): Promise<{ value: T; writes: string[]; printed: string }> {
  const writes: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    writes.push(String(chunk));
    return true;
  });
  try {
    const value = await fn();
    return { value, writes, printed: writes.join('') };
  } finally {
    spy.mockRestore();
  }
}
