/** The local files a build reads, checked before anything runs (the only input check that reads the disk). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../common/errors.js';
import type { BuildInputs } from './inputs.js';

const REMOTE = /^([a-z][a-z0-9+.-]*:\/\/|git@)|\.git(#|$)/i;

/**
 * What buildx reads from this machine exists: the context, the Dockerfile (`file`, or the context's
 * own `Dockerfile`), the `secret-files`. A remote context (a Git or HTTP URL) brings its own
 * Dockerfile; stdin (`-`) is refused, a step has none.
 */
export function checkLocalPaths(inputs: BuildInputs, cwd: string): void {
  if (inputs.context === '-') {
    throw new InputError(
      'Input "context" is "-", which reads the context from stdin: a step has none; name a path or URL',
      ['context']
    );
  }
  inputs.secretFiles.forEach((item, i) => {
    const at = item.indexOf('=');
    const id = item.slice(0, at).trim();
    const path = item.slice(at + 1).trim();
    if (!existsSync(resolve(cwd, path))) {
      throw new InputError(
        `Input "secret-files" item ${i + 1} (id "${id}"): "${path}" does not exist (in ${cwd})`,
        ['secret-files']
      );
    }
  });
  if (REMOTE.test(inputs.context)) return;
  const context = resolve(cwd, inputs.context);
  if (!existsSync(context)) {
    throw new InputError(`Input "context": "${inputs.context}" does not exist (in ${cwd})`, ['context']);
  }
  if (inputs.file) {
    if (!existsSync(resolve(cwd, inputs.file))) {
      throw new InputError(`Input "file": "${inputs.file}" does not exist (in ${cwd})`, ['file']);
    }
  } else if (!['Dockerfile', 'dockerfile'].some(name => existsSync(resolve(context, name)))) {
    throw new InputError(
      `Input "file" is not set, and the context "${inputs.context}" has no Dockerfile (in ${cwd}): add one, or name it in "file"`,
      ['file']
    );
  }
}
