/** Where code scanning shows an image's findings: its Dockerfile's path in the repository (pure). */
import { posix } from 'node:path';

/** `file` when given, else `<context>/Dockerfile`; `Dockerfile` for a remote context. */
export function dockerfileUri(context: string, file: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(context) || context.startsWith('git@')) return file || 'Dockerfile';
  const path = posix.normalize(file || posix.join(context || '.', 'Dockerfile'));
  return path.replace(/^(\.\/)+/, '').replace(/^\/+/, '') || 'Dockerfile';
}
