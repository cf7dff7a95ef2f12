/**
 * Checks the stand-in's requests and responses against GitHub's OpenAPI description
 * (`@octokit/openapi`, generated/api.github.com.json): the route and method exist, path and query
 * parameters fit their schemas, and each response body fits the schema of its status.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema: object;
}
interface Operation {
  parameters?: ({ $ref: string } | Parameter)[];
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: object }> }>;
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: {
    parameters: Record<string, Parameter>;
    responses: Record<string, { content?: Record<string, { schema: object }> }>;
  };
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function rebase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rebase);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === '$ref' && typeof v === 'string' ? `api${v}` : rebase(v)
      ])
    );
  }
  return value;
}

/**
 * Known gaps in the description: the list of a user's package versions paginates like the others,
 * but declares no `page`/`per_page` (github/rest-api-description#1651). Those are checked against
 * the parameters of the sibling operation instead.
 */
const SUPPLEMENTS: Record<string, { from: string; names: string[] }> = {
  '/users/{username}/packages/{package_type}/{package_name}/versions': {
    from: '/user/packages/{package_type}/{package_name}/versions',
    names: ['page', 'per_page']
  }
};

let shared: OpenApi | undefined;

export class OpenApi {
  private readonly doc: Doc;
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  /** Loads the description once per process (13 MB). */
  static load(): OpenApi {
    shared ??= new OpenApi();
    return shared;
  }

  private constructor() {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
    this.doc = JSON.parse(readFileSync(file, 'utf8')) as Doc;
    this.ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema(this.doc as object, 'api');
  }

  private validator(key: string, schema: object): ValidateFunction {
    let fn = this.compiled.get(key);
    if (!fn) {
      fn = this.ajv.compile(rebase(schema) as object);
      this.compiled.set(key, fn);
    }
    return fn;
  }

  private operation(template: string, method: string): Operation {
    const op = this.doc.paths[template]?.[method.toLowerCase()];
    if (!op) throw new Error(`${method} ${template} is not in the OpenAPI description`);
    return op;
  }

  private parameters(op: Operation): Parameter[] {
    return (op.parameters ?? []).map(p =>
      '$ref' in p ? this.doc.components.parameters[p.$ref.replace('#/components/parameters/', '')] : p
    );
  }

  /** Problems with a request: path values and query strings (typed as their schemas say). */
  checkRequest(
    template: string,
    method: string,
    path: Record<string, string>,
    query: URLSearchParams
  ): string[] {
    const problems: string[] = [];
    const op = this.operation(template, method);
    const supplement = SUPPLEMENTS[template];
    const params = [
      ...this.parameters(op),
      ...(supplement && method === 'GET'
        ? this.parameters(this.operation(supplement.from, method)).filter(p =>
            supplement.names.includes(p.name)
          )
        : [])
    ];
    const typed = (schema: { type?: string }, raw: string): unknown =>
      schema.type === 'integer' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
    for (const p of params) {
      const raw = p.in === 'path' ? path[p.name] : (query.get(p.name) ?? undefined);
      if (raw === undefined) {
        if (p.required) problems.push(`${method} ${template}: missing ${p.in} parameter ${p.name}`);
        continue;
      }
      const fn = this.validator(`param:${template}:${method}:${p.name}`, p.schema);
      if (!fn(typed(p.schema as { type?: string }, raw))) {
        problems.push(
          `${method} ${template}: ${p.in} parameter ${p.name}="${raw}" ${this.ajv.errorsText(fn.errors)}`
        );
      }
    }
    for (const name of query.keys()) {
      if (!params.some(p => p.in === 'query' && p.name === name)) {
        problems.push(`${method} ${template}: unknown query parameter ${name}`);
      }
    }
    return problems;
  }

  /** Problems with a response: an undeclared status, or a body that does not fit its schema. */
  checkResponse(template: string, method: string, status: number, body: unknown, injected = false): string[] {
    const op = this.operation(template, method);
    let response = op.responses[String(status)];
    if (!response) {
      if (!injected && status < 500) return [`${method} ${template}: status ${status} is not declared`];
      response = {
        content: { 'application/json': { schema: { $ref: '#/components/schemas/basic-error' } } }
      };
    }
    if (response.$ref)
      response = this.doc.components.responses[response.$ref.replace('#/components/responses/', '')];
    const schema = response.content?.['application/json']?.schema;
    if (!schema)
      return body === undefined ? [] : [`${method} ${template} ${status}: a body where none is declared`];
    const fn = this.validator(`response:${template}:${method}:${status}:${injected}`, schema);
    return fn(body) ? [] : [`${method} ${template} ${status}: ${this.ajv.errorsText(fn.errors)}`];
  }
}
