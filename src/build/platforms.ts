/** Target platforms (`os/arch[/variant]`): checked, and compared with what a builder or the host runs. */
import { InputError } from '../common/runner.js';

const OSES = new Set([
  'linux',
  'windows',
  'darwin',
  'freebsd',
  'netbsd',
  'openbsd',
  'solaris',
  'wasip1',
  'js'
]);
const ARCHES = new Set([
  'amd64',
  'arm64',
  'arm',
  '386',
  'ppc64le',
  'ppc64',
  's390x',
  'riscv64',
  'mips64le',
  'mips64',
  'mipsle',
  'mips',
  'loong64',
  'wasm'
]);
const ALIASES: Record<string, string> = {
  x86_64: 'amd64',
  'x86-64': 'amd64',
  aarch64: 'arm64',
  armhf: 'arm/v7',
  armel: 'arm/v6',
  i386: '386',
  i686: '386'
};

export interface Platform {
  os: string;
  arch: string;
  variant?: string;
}

export function parsePlatform(text: string, input = 'platforms'): Platform {
  const parts = text.split('/');
  const bad = (why: string): never => {
    throw new InputError(`Input "${input}": "${text}" ${why}`, [input]);
  };
  if (parts.length < 2 || parts.length > 3 || parts.some(p => p === '')) {
    bad('is not a platform (os/arch or os/arch/variant, e.g. linux/arm64)');
  }
  if (text !== text.toLowerCase()) bad(`must be lower case ("${text.toLowerCase()}")`);
  const [os, arch, variant] = parts;
  if (!OSES.has(os)) bad(`has an unknown operating system "${os}"`);
  if (!ARCHES.has(arch)) {
    const alias = ALIASES[arch];
    bad(`has an unknown architecture "${arch}"${alias ? ` (did you mean ${os}/${alias}?)` : ''}`);
  }
  if (variant !== undefined && !/^v\d+(\.\d+)?$/.test(variant)) bad(`has an invalid variant "${variant}"`);
  return variant === undefined ? { os, arch } : { os, arch, variant };
}

/** The platform as buildx names it after its defaults: arm64/v8 is arm64, amd64/v1 is amd64, arm is arm/v7. */
export function canonicalPlatform(p: Platform): string {
  let variant = p.variant ?? '';
  if ((p.arch === 'arm64' && variant === 'v8') || (p.arch === 'amd64' && variant === 'v1')) variant = '';
  if (p.arch === 'arm' && variant === '') variant = 'v7';
  return [p.os, p.arch, variant].filter(Boolean).join('/');
}

/**
 * Refuses a platform listed twice (also as another spelling of the same one, linux/arm64/v8 and
 * linux/arm64): buildx would build it twice and push an index that lists it twice.
 */
export function checkUnique(platforms: string[], input = 'platforms'): void {
  const seen = new Map<string, string>();
  for (const text of platforms) {
    const key = canonicalPlatform(parsePlatform(text, input));
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      const same = earlier === text ? `"${text}" twice` : `"${earlier}" and "${text}", the same platform`;
      throw new InputError(`Input "${input}" lists ${same}: list each platform once`, [input]);
    }
    seen.set(key, text);
  }
}

/** A comparable key: arm64/v8 and amd64/v1 are the plain arch; arm keeps its variant (v7 by default). */
export function platformKey(p: Platform): string {
  let variant = p.variant ?? '';
  if ((p.arch === 'arm64' && variant === 'v8') || (p.arch === 'amd64' && variant === 'v1')) variant = '';
  if (p.arch === 'arm' && variant === '') variant = 'v7';
  if (p.arch !== 'arm') variant = '';
  return [p.os, p.arch, variant].filter(Boolean).join('/');
}

/** Parses a builder's platform list (`linux/amd64, linux/amd64/v2*, ...`) into keys; `*` marks user-set ones. */
export function builderPlatformKeys(list: string[]): Set<string> {
  const keys = new Set<string>();
  for (const item of list) {
    const [os, arch, variant] = item.replace(/\*$/, '').trim().split('/');
    if (os && arch) keys.add(platformKey({ os, arch, variant }));
  }
  return keys;
}

/** The runner's own architecture in Go's names (process.arch uses Node's). */
export function hostArch(nodeArch: string = process.arch): string {
  return (
    ({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' } as Record<string, string>)[nodeArch] ??
    nodeArch
  );
}

/** Architectures that run without emulation on a host of `host` architecture. */
export function nativeArches(host: string): string[] {
  if (host === 'amd64') return ['amd64', '386'];
  return [host];
}
