/**
 * Default build cache: GitHub Actions' cache service when the runner offers it, or (opt-in) a
 * `:buildcache` tag next to the first image. The user's own cache-from/cache-to always win.
 */
import { parseAttributes } from '../common/lists.js';
import type { RunContext } from '../common/run-context.js';
import { repositoryOf, tagged } from '../common/reference.js';
import { InputError } from '../common/runner.js';
import { atLeast, SINCE } from './buildx.js';

export const CACHE_MODES = ['auto', 'gha', 'registry', 'none'] as const;
export type CacheMode = (typeof CACHE_MODES)[number];

/** What the runner offers of the GitHub Actions cache service (the run context's `actionsCache`). */
export type CacheService = RunContext['actionsCache'];

export interface CacheContext {
  mode: CacheMode;
  cacheFrom: string[];
  cacheTo: string[];
  push: boolean;
  /** Repository of the first tag (`ghcr.io/o/app`), '' when there are no tags. */
  firstImage: string;
  platforms: string[];
  buildxVersion: string;
  service: CacheService;
}

export interface CachePlan {
  from: string[];
  to: string[];
  /** What was chosen and why, for the log. */
  note: string;
}

/** Whether buildx can reach the Actions cache service from this environment. */
export function ghaAvailable(service: CacheService, buildxVersion: string): boolean {
  if (!service.runtimeToken) return false;
  if (service.cacheUrl) return true;
  return service.resultsUrl && atLeast(buildxVersion, SINCE.ghaCacheV2);
}

/** One scope per image and platform set, so that builds of other images or platforms do not evict it. */
export function ghaScope(firstImage: string, platforms: string[]): string {
  const image = (firstImage && repositoryOf(firstImage)) || 'image';
  const plat = platforms.length > 0 ? platforms.map(p => p.replace(/\//g, '-')).join('+') : 'default';
  return `${image}@${plat}`.replace(/[^A-Za-z0-9@+._-]/g, '-');
}

/** The cache backends buildx documents (docs.docker.com/build/cache/backends). */
export const CACHE_TYPES = ['registry', 'local', 'inline', 'gha', 's3', 'azblob'] as const;

/**
 * The type of a cache-from/cache-to entry as buildx reads it: a bare reference (no `=`) is a
 * registry cache, otherwise the CSV field `type=`; '' when the entry names none.
 */
export function cacheType(entry: string): string {
  if (!entry.includes('=')) return 'registry';
  let fields: string[];
  try {
    fields = parseAttributes(entry);
  } catch {
    return ''; // not CSV (a quote never closed): no type buildx could read either
  }
  const field = fields.map(f => f.trim()).find(f => f.startsWith('type='));
  return field === undefined ? '' : field.slice('type='.length).trim();
}

/**
 * Refuses an entry buildx would ignore (an unknown type only logs `unknown cache importer` and the
 * build goes on without that cache) or refuse late (no type). Errors name the item and its type,
 * never the entry's text: its attributes may hold credentials (an S3 key, an Azure account key).
 */
export function checkCacheEntries(input: string, entries: string[]): void {
  entries.forEach((entry, i) => {
    const type = cacheType(entry);
    if (!(CACHE_TYPES as readonly string[]).includes(type)) {
      const named = /^[a-z0-9-]{1,32}$/i.test(type) ? ` "${type}"` : '';
      const got = type === '' ? 'no type=' : `unknown type${named}`;
      throw new InputError(
        `Input "${input}" item ${i + 1} has ${got} (buildx's cache types: ${CACHE_TYPES.join(', ')})`,
        [input]
      );
    }
  });
}

export function planCache(ctx: CacheContext): CachePlan {
  if (ctx.cacheFrom.length > 0 || ctx.cacheTo.length > 0) {
    return { from: ctx.cacheFrom, to: ctx.cacheTo, note: 'cache-from/cache-to as given' };
  }
  const gha = () => {
    const scope = ghaScope(ctx.firstImage, ctx.platforms);
    return {
      from: [`type=gha,scope=${scope}`],
      to: [`type=gha,scope=${scope},mode=max,ignore-error=true`],
      note: `GitHub Actions cache, scope ${scope}`
    };
  };
  switch (ctx.mode) {
    case 'none':
      return { from: [], to: [], note: 'no cache (cache: none)' };
    case 'gha':
      return gha();
    case 'auto':
      return ghaAvailable(ctx.service, ctx.buildxVersion)
        ? gha()
        : { from: [], to: [], note: 'no cache service on this runner (set cache: registry to use one)' };
    case 'registry': {
      if (!ctx.firstImage) {
        throw new InputError('Input "cache" is registry, which needs at least one image in "tags"', [
          'cache',
          'tags'
        ]);
      }
      const ref = tagged(ctx.firstImage, 'buildcache');
      return {
        from: [`type=registry,ref=${ref}`],
        to: ctx.push ? [`type=registry,ref=${ref},mode=max,ignore-error=true`] : [],
        note: `registry cache ${ref}${ctx.push ? '' : ' (read only: not pushing)'}`
      };
    }
  }
}
