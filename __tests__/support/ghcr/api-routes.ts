/** The stand-in's REST routes: path -> OpenAPI template and parameters; version bodies; Link headers. */

export interface Route {
  template: string;
  path: Record<string, string>;
  /** Packages routes: how the owner was addressed. */
  owner?: { kind: 'user' | 'users' | 'orgs'; login?: string };
}

export interface VersionRecord {
  id: number;
  digest: string;
  tags: string[];
  created: Date;
}

export const DOCS = 'https://docs.github.com/rest/packages/packages';

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Matches a request path (package names arrive URL-encoded: `app%2Fworker`). */
export function route(pathname: string): Route | undefined {
  const user = /^\/users\/([^/]+)$/.exec(pathname);
  if (user) return { template: '/users/{username}', path: { username: decodeURIComponent(user[1]) } };
  const m =
    /^\/(user|users\/([^/]+)|orgs\/([^/]+))\/packages\/([^/]+)\/([^/]+)\/versions(?:\/([^/]+)(\/restore)?)?$/.exec(
      pathname
    );
  if (!m) return undefined;
  const kind = m[1] === 'user' ? 'user' : m[2] ? 'users' : 'orgs';
  const prefix = kind === 'user' ? '/user' : kind === 'users' ? '/users/{username}' : '/orgs/{org}';
  const version = m[6] ? '/{package_version_id}' : '';
  const template = `${prefix}/packages/{package_type}/{package_name}/versions${version}${m[7] ? '/restore' : ''}`;
  const path: Record<string, string> = {
    package_type: decodeURIComponent(m[4]),
    package_name: decodeURIComponent(m[5])
  };
  if (kind === 'users') path.username = decodeURIComponent(m[2]);
  if (kind === 'orgs') path.org = decodeURIComponent(m[3]);
  if (m[6]) path.package_version_id = m[6];
  return { template, path, owner: { kind, login: path.username ?? path.org } };
}

/** A package version as the API returns it. */
export function versionBody(
  v: VersionRecord,
  listUrl: string,
  owner: string,
  org: boolean,
  pkg: string,
  deletedAt?: Date
) {
  const name = encodeURIComponent(pkg);
  return {
    id: v.id,
    name: v.digest,
    url: `${listUrl}/${v.id}`,
    package_html_url: `https://github.com/${org ? 'orgs/' : ''}${owner}/packages/container/package/${name}`,
    created_at: iso(v.created),
    updated_at: iso(v.created),
    html_url: `https://github.com/${owner}/packages/container/${name}/${v.id}`,
    ...(deletedAt ? { deleted_at: iso(deletedAt) } : {}),
    metadata: { package_type: 'container', container: { tags: v.tags } }
  };
}

/** GitHub's `Link` header for a page of a list. */
export function linkHeader(
  listUrl: string,
  perPage: number,
  page: number,
  last: number
): Record<string, string> {
  const link = (p: number, rel: string) => `<${listUrl}?per_page=${perPage}&page=${p}>; rel="${rel}"`;
  const links = [
    ...(page > 1 ? [link(page - 1, 'prev')] : []),
    ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
    ...(page > 1 ? [link(1, 'first')] : [])
  ];
  return links.length ? { link: links.join(', ') } : {};
}
