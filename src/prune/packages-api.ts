/**
 * The Packages REST API for container packages: who owns them (user, organization, or the token's
 * own account), their versions (100 a page, following `Link`), deletion and restore.
 */
import type { GitHub } from '../common/github.js';
import { mapLimit } from '../common/registry/limit.js';
import type { PackageVersion } from './model.js';

/** Where an owner's packages live in the API. */
export type OwnerScope =
  { kind: 'user'; owner: string } | { kind: 'users'; owner: string } | { kind: 'orgs'; owner: string };

export type DeleteOutcome = 'deleted' | 'gone';

/** Why a version could not be deleted. */
export class DeleteError extends Error {
  override name = 'DeleteError';
  constructor(
    message: string,
    readonly kind: 'undeletable' | 'budget' | 'failed',
    readonly status: number
  ) {
    super(message);
  }
}

interface ApiVersion {
  id: number;
  name: string;
  created_at: string;
  metadata?: { container?: { tags?: string[] } };
}

interface HttpError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined>; data?: { message?: string } };
}

function base(scope: OwnerScope): { prefix: string; params: Record<string, string> } {
  if (scope.kind === 'user') return { prefix: '/user', params: {} };
  if (scope.kind === 'orgs') return { prefix: '/orgs/{org}', params: { org: scope.owner } };
  return { prefix: '/users/{username}', params: { username: scope.owner } };
}

export function lastPage(link: string | undefined): number | undefined {
  const m = /<[^>]*[?&]page=(\d+)[^>]*>\s*;\s*rel="last"/.exec(link ?? '');
  return m ? Number(m[1]) : undefined;
}

function hasNext(link: string | undefined): boolean {
  return /rel="next"/.test(link ?? '');
}

function toVersion(v: ApiVersion): PackageVersion {
  return {
    id: v.id,
    digest: v.name,
    tags: v.metadata?.container?.tags ?? [],
    created: Date.parse(v.created_at)
  };
}

export class PackagesApi {
  /** List pages fetched so far. */
  pages = 0;

  constructor(
    private readonly octokit: GitHub,
    private readonly pageConcurrency = 4
  ) {}

  /** `GET /users/{owner}`: organizations use /orgs, the token's own account /user, other users /users. */
  async ownerScope(owner: string): Promise<OwnerScope> {
    const { data } = await this.octokit.request('GET /users/{username}', { username: owner });
    const user = data as { type?: string; login?: string; user_view_type?: string };
    if (user.type === 'Organization') return { kind: 'orgs', owner: user.login ?? owner };
    if (user.user_view_type === 'private') return { kind: 'user', owner: user.login ?? owner };
    return { kind: 'users', owner: user.login ?? owner };
  }

  private async page(
    scope: OwnerScope,
    pkg: string,
    page: number
  ): Promise<{ versions: ApiVersion[]; link?: string }> {
    const { prefix, params } = base(scope);
    this.pages++;
    const res = await this.octokit.request(`GET ${prefix}/packages/{package_type}/{package_name}/versions`, {
      ...params,
      package_type: 'container',
      package_name: pkg,
      per_page: 100,
      page
    });
    return { versions: res.data as ApiVersion[], link: res.headers.link };
  }

  /**
   * Every version: page 1, then the rest at once when `Link` names the last page, else one by one.
   * `onPage` sees each page as it arrives.
   */
  async listVersions(
    scope: OwnerScope,
    pkg: string,
    onPage: (versions: PackageVersion[]) => void = () => undefined
  ): Promise<PackageVersion[]> {
    const all: ApiVersion[] = [];
    const take = (page: { versions: ApiVersion[]; link?: string }) => {
      all.push(...page.versions);
      onPage(page.versions.map(toVersion));
      return page;
    };
    const first = take(await this.page(scope, pkg, 1));
    const last = lastPage(first.link);
    if (last !== undefined) {
      const pages = Array.from({ length: last - 1 }, (_, i) => i + 2);
      await mapLimit(pages, this.pageConcurrency, async p => take(await this.page(scope, pkg, p)));
    } else {
      let link = first.link;
      for (let page = 2; hasNext(link); page++) link = take(await this.page(scope, pkg, page)).link;
    }
    const seen = new Set<number>();
    return all.filter(v => !seen.has(v.id) && seen.add(v.id)).map(toVersion);
  }

  /** The newest page only (a version just pushed shows up there). */
  async newestVersions(scope: OwnerScope, pkg: string): Promise<PackageVersion[]> {
    return (await this.page(scope, pkg, 1)).versions.map(toVersion);
  }

  /** Deletes a version; a 404 means it is already gone (the list can be stale). */
  async deleteVersion(scope: OwnerScope, pkg: string, id: number): Promise<DeleteOutcome> {
    const { prefix, params } = base(scope);
    try {
      await this.octokit.request(
        `DELETE ${prefix}/packages/{package_type}/{package_name}/versions/{package_version_id}`,
        {
          ...params,
          package_type: 'container',
          package_name: pkg,
          package_version_id: id
        }
      );
      return 'deleted';
    } catch (err) {
      const e = err as HttpError;
      if (e.status === 404) return 'gone';
      throw classify(e, `DELETE version ${id} of ${pkg}`);
    }
  }

  async restoreVersion(scope: OwnerScope, pkg: string, id: number): Promise<void> {
    const { prefix, params } = base(scope);
    await this.octokit.request(
      `POST ${prefix}/packages/{package_type}/{package_name}/versions/{package_version_id}/restore`,
      {
        ...params,
        package_type: 'container',
        package_name: pkg,
        package_version_id: id
      }
    );
  }
}

/** Sorts a failed deletion: out of budget, refused for good (last version, popular public version), or broken. */
export function classify(e: HttpError, what: string): DeleteError {
  const status = e.status ?? 0;
  const message = e.response?.data?.message ?? e.message ?? 'unknown error';
  const text = `${what}: ${status} ${message}`;
  const remaining = e.response?.headers?.['x-ratelimit-remaining'];
  if ((status === 403 || status === 429) && (remaining === '0' || /rate limit/i.test(message))) {
    return new DeleteError(text, 'budget', status);
  }
  if (
    status === 400 ||
    status === 409 ||
    status === 422 ||
    (status === 403 && /last version|download/i.test(message))
  ) {
    return new DeleteError(text, 'undeletable', status);
  }
  return new DeleteError(text, 'failed', status);
}
