/** QEMU user emulation: only for platforms foreign to the runner that have no binfmt handler yet. */
import { readdirSync, readFileSync } from 'node:fs';
import { nativeArches, type Platform } from './platforms.js';

/** tonistiigi/binfmt, pinned by digest, as docker/setup-qemu-action uses it. */
export const BINFMT_IMAGE =
  'tonistiigi/binfmt:qemu-v10.2.3@sha256:400a4873b838d1b89194d982c45e5fb3cda4593fbfd7e08a02e76b03b21166f0';

/** The binfmt_misc handler name of a Go architecture (as tonistiigi/binfmt and Debian register them). */
const HANDLERS: Record<string, string> = {
  amd64: 'qemu-x86_64',
  '386': 'qemu-i386',
  arm64: 'qemu-aarch64',
  arm: 'qemu-arm',
  ppc64le: 'qemu-ppc64le',
  ppc64: 'qemu-ppc64',
  s390x: 'qemu-s390x',
  riscv64: 'qemu-riscv64',
  mips64le: 'qemu-mips64el',
  mips64: 'qemu-mips64',
  mipsle: 'qemu-mipsel',
  mips: 'qemu-mips',
  loong64: 'qemu-loongarch64'
};

/** Architectures the host runs: its own, and those with an enabled binfmt handler. */
export function runnableArches(host: string, handlers: Set<string>): Set<string> {
  const arches = new Set(nativeArches(host));
  for (const [arch, handler] of Object.entries(HANDLERS)) if (handlers.has(handler)) arches.add(arch);
  return arches;
}

/** The architectures to install emulators for (sorted, unique); Linux targets only. */
export function emulatorsNeeded(platforms: Platform[], host: string, handlers: Set<string>): string[] {
  const runnable = runnableArches(host, handlers);
  const needed = platforms
    .filter(p => p.os === 'linux' && !runnable.has(p.arch) && HANDLERS[p.arch])
    .map(p => p.arch);
  return [...new Set(needed)].sort();
}

export function installArgs(arches: string[]): string[] {
  return ['run', '--rm', '--privileged', BINFMT_IMAGE, '--install', arches.join(',')];
}

/** Enabled handlers in /proc/sys/fs/binfmt_misc (an empty set when it is not mounted). */
export function readHandlers(dir = '/proc/sys/fs/binfmt_misc'): Set<string> {
  const found = new Set<string>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return found;
  }
  for (const name of names) {
    if (!name.startsWith('qemu-')) continue;
    try {
      if (readFileSync(`${dir}/${name}`, 'utf8').startsWith('enabled')) found.add(name);
    } catch {
      // unreadable: treat as absent
    }
  }
  return found;
}
