/**
 * Build secrets: `secrets` values go to private files; files and env variables are passed by reference.
 *
 * `secrets` is read as docker/build-push-action documents it: one `id=value` item per line, and a
 * value over several lines (a key, JSON) quoted as a whole item, quotes inside doubled:
 *
 *     "KEY=-----BEGIN ...
 *     -----END ..."
 *     "JSON={""a"":1}"
 *
 * An unquoted multi-line value falls apart into lines that are not `id=value`: the input is refused,
 * and no error ever repeats an item's text (it may be part of a secret), only its line number.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseList, parseRecords, type LineRecord } from '../common/lists.js';
import { InputError, setSecret, type InputSource } from '../common/runner.js';

/** An id as a Dockerfile names it in `--mount=type=secret,id=...`. */
const SECRET_ID = /^[A-Za-z0-9_.-]+$/;

export interface Secret {
  id: string;
  value: string;
}

const QUOTING =
  'a value over several lines must be quoted as a whole item ("id=line 1<newline>line 2"), quotes inside doubled';

/** Parses the `secrets` input (names it `input` in errors); never puts an item's text in an error. */
export function parseSecrets(text: string, input = 'secrets'): Secret[] {
  if (text.trim() === '') return [];
  let records: LineRecord[];
  try {
    records = parseRecords(text);
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw new InputError(
      `Input "${input}"${line ? ` line ${line}` : ''} is not a list of id=value: ${QUOTING}`,
      [input]
    );
  }
  const secrets: Secret[] = [];
  for (const { record, info } of records) {
    const item = record.join(',').trim();
    if (item === '') continue;
    // info.lines is where the item ends; it starts as many lines earlier as it holds line breaks.
    const line = info.lines - (item.match(/\n/g)?.length ?? 0);
    const at = item.indexOf('=');
    const id = at > 0 ? item.slice(0, at).trim() : '';
    const value = item.slice(at + 1);
    if (!SECRET_ID.test(id)) {
      throw new InputError(
        `Input "${input}" line ${line} is not id=value with an id of letters, digits, ".", "_" or "-"; ${QUOTING}`,
        [input]
      );
    }
    if (value.trim() === '') {
      throw new InputError(
        `Input "${input}" line ${line} has an empty value: is its secret set? If the line belongs to the value above, ${QUOTING}`,
        [input]
      );
    }
    secrets.push({ id, value });
  }
  return secrets;
}

/**
 * Masks every secret value (setSecret adds each line of a multi-line one), the values of the
 * variables `secret-envs` names and of build args named as secrets. Called as soon as the inputs are read, before anything can print.
 */
export function maskSecrets(
  inputs: { secrets: Secret[]; secretEnvs?: string[]; buildArgs?: string[] },
  env = process.env
): void {
  for (const { value } of inputs.secrets) setSecret(value);
  for (const value of secretEnvValues(inputs.secretEnvs ?? [], env)) setSecret(value);
  for (const value of secretBuildArgValues(inputs.buildArgs ?? [])) setSecret(value);
}

/** The values of the environment variables `secret-envs` items (`id=VARIABLE`) name. */
export function secretEnvValues(items: string[], env: NodeJS.ProcessEnv): string[] {
  return items.flatMap(item => {
    const name = item.slice(item.indexOf('=') + 1).trim();
    const value = name ? env[name] : undefined;
    return value ? [value] : [];
  });
}

/**
 * The values in a `secrets` input, to mask before it is checked: parsed where it parses, else the
 * text after the first `=` of each line (an item the parser refuses is still a secret).
 */
export function secretValues(text: string): string[] {
  try {
    return parseSecrets(text).map(s => s.value);
  } catch {
    return text
      .split(/\r?\n/)
      .map(line => line.slice(line.indexOf('=') + 1).trim())
      .filter(value => value.length > 3);
  }
}

/** A build-arg name that says it holds a secret (as BuildKit's SecretsUsedInArgOrEnv check reads names). */
const SECRET_NAME = /(?:^|_)(?:apikey|auth|credentials?|key|passw(?:or)?d|pword|secret|token)(?:_|$)/i;

/**
 * The values of build args named as secrets (`TOKEN=...`, `NPM_AUTH_TOKEN=...`): BuildKit shows a
 * RUN step with its args expanded, so masking is what keeps such a value out of the log. Other
 * values stay visible (masking `1` or `true` would hide them all over the log).
 */
export function secretBuildArgValues(items: string[]): string[] {
  return items.flatMap(item => {
    const at = item.indexOf('=');
    const value = at > 0 ? item.slice(at + 1) : '';
    return value && SECRET_NAME.test(item.slice(0, at).trim()) ? [value] : [];
  });
}

/**
 * The secrets among the build inputs, read before they are checked: `secrets` values, the values of
 * the variables `secret-envs` names, build args named as secrets, and `github-token`.
 */
export function buildSecrets(source: InputSource, env: NodeJS.ProcessEnv = process.env): string[] {
  return [
    source('github-token'),
    ...secretValues(source('secrets')),
    ...secretEnvValues(parseList(source('secret-envs')), env),
    ...secretBuildArgValues(parseList(source('build-args'), { ignoreComma: true }))
  ].filter(Boolean);
}

export interface SecretSpec {
  secrets: Secret[];
  secretFiles: string[];
  secretEnvs: string[];
}

function split(item: string): [id: string, value: string] {
  const at = item.indexOf('=');
  return [item.slice(0, at).trim(), item.slice(at + 1).trim()];
}

/** `--secret` values; `fileFor(n)` names the file the n-th `secrets` value is written to. */
export function secretArgs(spec: SecretSpec, fileFor: (n: number) => string): string[] {
  return [
    ...spec.secrets.map((s, n) => `id=${s.id},src=${fileFor(n)}`),
    ...spec.secretFiles.map(s => {
      const [id, path] = split(s);
      return `id=${id},src=${path}`;
    }),
    ...spec.secretEnvs.map(s => {
      const [id, env] = split(s);
      return `id=${id},env=${env}`;
    })
  ];
}

/**
 * Writes the `secrets` values to 0600 files in `folder`, a private folder that the caller removes in
 * the `finally` of the `try` this runs in; returns the `--secret` values.
 */
export function writeSecretFiles(spec: SecretSpec, folder: string): string[] {
  const fileFor = (n: number) => join(folder, `secret-${n}`);
  spec.secrets.forEach((s, n) => writeFileSync(fileFor(n), s.value, { mode: 0o600 }));
  return secretArgs(spec, fileFor);
}
