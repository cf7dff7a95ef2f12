/**
 * OSV's published descriptions, vendored in __tests__/fixtures/osv (see SOURCE.md there): the API
 * (Swagger 2.0 from google/osv.dev) for requests and answers, and the record schema (ossf/osv-schema,
 * JSON Schema 2020-12) for the records served. Also the SARIF 2.1.0 schema, for uploaded SARIF.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (ACTION_ROOT where this module runs from elsewhere, as in the bench). */
const ROOT =
  process.env.ACTION_ROOT ?? resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const fixture = (path: string) => JSON.parse(readFileSync(join(ROOT, '__tests__/fixtures', path), 'utf8'));

type Schema = Record<string, unknown>;

/** Request definitions read strictly: a property the API does not declare is a violation. */
function closed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(closed);
  if (!value || typeof value !== 'object') return value;
  const out: Schema = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, closed(v)]));
  if (out.type === 'object' && out.properties && !('$ref' in out)) out.additionalProperties = false;
  // Swagger writes `{"type": "object", "$ref": ...}`; the reference is what counts.
  if ('$ref' in out) return { $ref: out.$ref };
  return out;
}

function open(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(open);
  if (!value || typeof value !== 'object') return value;
  const out: Schema = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, open(v)]));
  if ('$ref' in out) return { $ref: out.$ref };
  return out;
}

export class OsvSpec {
  readonly swagger = fixture('osv/osv_service_v1.swagger.json') as {
    paths: Record<string, Record<string, { parameters?: { in: string; schema?: { $ref: string } }[] }>>;
    definitions: Schema;
  };
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly record: ValidateFunction;

  constructor() {
    addFormats(this.ajv);
    this.ajv.addSchema({ definitions: closed(this.swagger.definitions) }, 'request');
    this.ajv.addSchema({ definitions: open(this.swagger.definitions) }, 'answer');
    const ajv2020 = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv2020 as unknown as Ajv);
    this.record = ajv2020.compile(fixture('osv/osv-schema.json'));
  }

  private check(kind: 'request' | 'answer', definition: string, value: unknown, what: string): string[] {
    const key = `${kind}:${definition}`;
    let fn = this.validators.get(key);
    if (!fn) {
      fn = this.ajv.compile({ $ref: `${kind}#/definitions/${definition}` });
      this.validators.set(key, fn);
    }
    return fn(value) ? [] : [`${what}: ${this.ajv.errorsText(fn.errors)}`];
  }

  /** The body definition of an operation, from the description itself. */
  private bodyDefinition(path: string, method: string): string {
    const op = this.swagger.paths[path]?.[method];
    const ref = op?.parameters?.find(p => p.in === 'body')?.schema?.$ref;
    if (!ref) throw new Error(`${method} ${path} has no body in the OSV description`);
    return ref.replace('#/definitions/', '');
  }

  private answerDefinition(path: string, method: string): string {
    const op = this.swagger.paths[path]?.[method] as {
      responses?: Record<string, { schema?: { $ref: string } }>;
    };
    const ref = op?.responses?.['200']?.schema?.$ref;
    if (!ref) throw new Error(`${method} ${path} has no 200 answer in the OSV description`);
    return ref.replace('#/definitions/', '');
  }

  checkBatchRequest(body: unknown): string[] {
    return this.check(
      'request',
      this.bodyDefinition('/v1/querybatch', 'post'),
      body,
      'POST /v1/querybatch request'
    );
  }

  checkBatchAnswer(body: unknown): string[] {
    return this.check(
      'answer',
      this.answerDefinition('/v1/querybatch', 'post'),
      body,
      'POST /v1/querybatch answer'
    );
  }

  checkVulnAnswer(body: unknown): string[] {
    return this.check(
      'answer',
      this.answerDefinition('/v1/vulns/{id}', 'get'),
      body,
      'GET /v1/vulns/{id} answer'
    );
  }

  checkError(body: unknown): string[] {
    return this.check('answer', 'rpcStatus', body, 'error answer');
  }

  /** Problems of a record against the OSV schema. */
  checkRecord(record: unknown): string[] {
    return this.record(record) ? [] : [`OSV record: ${JSON.stringify(this.record.errors)}`];
  }
}

let sarif: ValidateFunction | undefined;

/** Problems of a SARIF log against the SARIF 2.1.0 schema. */
export function checkSarif(log: unknown): string[] {
  if (!sarif) {
    const schema = fixture('sarif/sarif-schema-2.1.0.json') as Schema;
    delete schema.$schema;
    delete schema.id;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    sarif = ajv.compile(schema);
  }
  return sarif(log) ? [] : [`SARIF: ${JSON.stringify(sarif.errors?.slice(0, 5))}`];
}
