/**
 * Paginated reads: the `Link` header (RFC 8288) as GitHub's REST API and registries send it, and a
 * walk over pages that stops at a page limit fitting what it reads, refuses a `last` page beyond
 * that limit, and never reads a page it has already read. Each refusal is a `PaginationError`
 * naming the endpoint.
 */

/** Relation (`next`, `last`, ...) -> the first target given for it, resolved against `base`. */
export function parseLinkHeader(value: string, base?: string): Map<string, string> {
  const links = new Map<string, string>();
  for (let i = 0; i < value.length;) {
    const open = value.indexOf('<', i);
    const close = open < 0 ? -1 : value.indexOf('>', open);
    if (close < 0) break;
    let end = close + 1;
    for (let quoted = false; end < value.length && (quoted || value[end] !== ','); end++) {
      if (value[end] === '"') quoted = !quoted;
    }
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(value.slice(close + 1, end));
    let target = '';
    try {
      target = new URL(value.slice(open + 1, close).trim(), base).href;
    } catch {
      // not a URL: no page to follow
    }
    for (const name of (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/)) {
      if (name && target && !links.has(name)) links.set(name, target);
    }
    i = end + 1;
  }
  return links;
}

/** The `page` query parameter of a page's URL, when it is a whole number. */
export function pageNumber(url: string | undefined, param = 'page'): number | undefined {
  if (!url) return undefined;
  const value = new URL(url).searchParams.get(param);
  return value !== null && /^\d{1,16}$/.test(value) ? Number(value) : undefined;
}

export type PaginationProblem = 'too many pages' | 'last beyond limit' | 'page again';

export class PaginationError extends Error {
  override name = 'PaginationError';
  constructor(
    readonly endpoint: string,
    readonly problem: PaginationProblem,
    detail: string
  ) {
    super(`${endpoint}: ${detail}`);
  }
}

/**
 * The pages one paginated read has visited. `visit` before reading each page (its URL, or its page
 * number where the caller builds the request itself); `checkLast` with the `last` page a `Link` names.
 */
export class PageWalk {
  private readonly seen = new Set<string>();

  constructor(
    /** `GET https://api.github.com/orgs/o/packages/container/app/versions`: named in every error. */
    readonly endpoint: string,
    /** The most pages this read may take. */
    readonly limit: number
  ) {}

  get pages(): number {
    return this.seen.size;
  }

  visit(page: string | number): void {
    const key = String(page);
    if (this.seen.has(key)) {
      throw new PaginationError(
        this.endpoint,
        'page again',
        `the Link header names ${typeof page === 'number' ? `page ${page}` : key} as the next page, which was read already`
      );
    }
    if (this.seen.size >= this.limit) {
      throw new PaginationError(
        this.endpoint,
        'too many pages',
        `the Link header still names a next page after ${this.limit} pages, the most the step reads here`
      );
    }
    this.seen.add(key);
  }

  checkLast(last: number | undefined): void {
    if (last !== undefined && last > this.limit) {
      throw new PaginationError(
        this.endpoint,
        'last beyond limit',
        `the Link header names page ${last} as the last one, beyond the ${this.limit} pages the step reads here`
      );
    }
  }
}
