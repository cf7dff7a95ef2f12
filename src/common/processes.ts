/**
 * Process groups on Linux: who is in one (from /proc), when a process started (to tell it from a later
 * process with the same pid), and stopping a group: SIGTERM, then SIGKILL after a grace period.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { sleep } from './sleep.js';

interface Stat {
  state: string;
  pgrp: number;
  /** Clock ticks since boot. */
  start: string;
}

function stat(pid: number | string): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], pgrp: Number(fields[2]), start: fields[19] };
  } catch {
    return undefined;
  }
}

/** The start time of a process ('' when it is gone or /proc is not there). */
export function processStart(pid: number): string {
  return stat(pid)?.start ?? '';
}

/** Live (not zombie) members of the process group `pgid`. */
export function groupMembers(pgid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    // No /proc: ask the kernel whether anything is left in the group.
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch {
      return [];
    }
  }
  return entries
    .filter(name => /^\d+$/.test(name))
    .filter(name => {
      const s = stat(name);
      return s !== undefined && s.pgrp === pgid && s.state !== 'Z' && s.state !== 'X';
    })
    .map(Number);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** Waits for `closed`, at most `ms` (the timer goes with it: it would keep the process alive). */
async function within(closed: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([closed, new Promise(res => (timer = setTimeout(res, ms)))]);
  clearTimeout(timer);
}

/** Stops the process group `pgid`: SIGTERM, and SIGKILL for what is left after `graceMs`. */
export async function stopGroup(pgid: number, closed?: Promise<void>, graceMs = 5000): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  if (closed) await within(closed, graceMs);
  while (groupMembers(pgid).length > 0 && Date.now() < deadline) await sleep(50);
  if (groupMembers(pgid).length > 0) signalGroup(pgid, 'SIGKILL');
}

/**
 * Stops a process group recorded as `pid start` by an earlier process. A pid seen again with another
 * start time is someone else's; while any member of the group lives, the kernel does not hand its id
 * to a new process, so the members left after the leader exited are still the recorded group.
 */
export async function stopRecorded(record: string, graceMs = 5000): Promise<boolean> {
  const [pid, start] = record.trim().split(/\s+/);
  const pgid = Number(pid);
  if (!Number.isInteger(pgid) || pgid <= 1 || !start) return false;
  const leader = stat(pgid);
  if (leader && (leader.start !== start || leader.pgrp !== pgid)) return false;
  if (groupMembers(pgid).length === 0) return false;
  await stopGroup(pgid, undefined, graceMs);
  return true;
}
