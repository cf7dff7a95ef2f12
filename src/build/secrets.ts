/** Build secrets: `secrets` values go to private files; files and env variables are passed by reference. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function split(item: string): [id: string, value: string] {
  const at = item.indexOf('=');
  return [item.slice(0, at).trim(), item.slice(at + 1)];
}

export interface SecretSpec {
  secrets: string[];
  secretFiles: string[];
  secretEnvs: string[];
}

/** The values of `secrets` (to mask before anything prints). */
export function secretValues(spec: SecretSpec): string[] {
  return spec.secrets.map(s => split(s)[1]).filter(Boolean);
}

/** `--secret` values; `fileFor(n)` names the file the n-th `secrets` value is written to. */
export function secretArgs(spec: SecretSpec, fileFor: (n: number) => string): string[] {
  return [
    ...spec.secrets.map((s, n) => `id=${split(s)[0]},src=${fileFor(n)}`),
    ...spec.secretFiles.map(s => {
      const [id, path] = split(s);
      return `id=${id},src=${path.trim()}`;
    }),
    ...spec.secretEnvs.map(s => {
      const [id, env] = split(s);
      return `id=${id},env=${env.trim()}`;
    })
  ];
}

/** Writes the `secrets` values to 0600 files in a private folder; `cleanup` removes them. */
export function writeSecretFiles(
  spec: SecretSpec,
  tempRoot: string
): { args: string[]; cleanup: () => void } {
  if (spec.secrets.length === 0) return { args: secretArgs(spec, () => ''), cleanup: () => {} };
  const dir = mkdtempSync(join(tempRoot, 'build-secrets-'));
  const fileFor = (n: number) => join(dir, `secret-${n}`);
  spec.secrets.forEach((s, n) => writeFileSync(fileFor(n), split(s)[1], { mode: 0o600 }));
  return { args: secretArgs(spec, fileFor), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
