/**
 * Builder selection: the current buildx builder when it can build the requested platforms, otherwise
 * a docker-container builder made for this build (and removed by the post step).
 */
import { builderPlatformKeys, platformKey, type Platform } from './platforms.js';

export interface BuilderInfo {
  name: string;
  driver: string;
  status: string;
  /** Platform keys (see platformKey) the builder's nodes report. */
  platforms: Set<string>;
}

/** Reads `docker buildx inspect` text output. */
export function parseInspect(text: string): BuilderInfo {
  let name = '';
  let driver = '';
  let status = '';
  const platforms: string[] = [];
  let inNodes = false;
  for (const raw of text.split(/\r?\n/)) {
    const m = /^([A-Za-z][A-Za-z ]*?):\s*(.*)$/.exec(raw.trim());
    if (!m) continue;
    const [, key, value] = m;
    if (key === 'Nodes') inNodes = true;
    else if (!inNodes && key === 'Name' && !name) name = value;
    else if (!inNodes && key === 'Driver' && !driver) driver = value;
    else if (inNodes && key === 'Status' && !status) status = value;
    else if (inNodes && key === 'Platforms' && value) platforms.push(...value.split(','));
  }
  return { name, driver, status, platforms: builderPlatformKeys(platforms) };
}

export interface BuilderFacts {
  current: BuilderInfo;
  /** The Docker engine keeps images in the containerd store (multi-platform images). */
  containerdStore: boolean;
  /** Architectures the host runs natively or through a registered binfmt handler. */
  runnableArches: Set<string>;
}

export type BuilderChoice = { action: 'use'; reason: string } | { action: 'create'; reason: string };

const LOCAL_DRIVERS = new Set(['docker', 'docker-container']);

export function chooseBuilder(platforms: Platform[], facts: BuilderFacts): BuilderChoice {
  const { current } = facts;
  if (current.driver === 'docker' && platforms.length > 1 && !facts.containerdStore) {
    return {
      action: 'create',
      reason: 'the docker driver builds several platforms only with the containerd image store'
    };
  }
  const local = LOCAL_DRIVERS.has(current.driver);
  const missing = platforms.filter(
    p => !current.platforms.has(platformKey(p)) && !(local && facts.runnableArches.has(p.arch))
  );
  if (missing.length > 0) {
    const list = missing.map(p => platformKey(p)).join(', ');
    return { action: 'create', reason: `builder "${current.name}" cannot build ${list}` };
  }
  return {
    action: 'use',
    reason: `builder "${current.name}" (${current.driver} driver) builds these platforms`
  };
}

export function createBuilderArgs(name: string): string[] {
  return ['buildx', 'create', '--name', name, '--driver', 'docker-container', '--bootstrap'];
}

/** A builder's name for this run (`runId` '' outside a run). */
export function builderName(runId: string, random: string): string {
  return `push-to-image-${runId || 'local'}-${random}`;
}

/** Whether `name` is one builderName gives in this run (with 8 random hex digits, as the build makes them). */
export function isMadeBuilder(name: string, runId: string): boolean {
  const made = /^push-to-image-(.+)-[0-9a-f]{8}$/.exec(name);
  return made !== null && made[1] === (runId || 'local');
}
