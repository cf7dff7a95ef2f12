/** Reads buildx's plain progress output: which build steps ran and which came from cache. */

export interface StepCount {
  /** Dockerfile steps (RUN, COPY, ...; FROM excluded), per platform. */
  total: number;
  cached: number;
}

const STEP = /^#(\d+) \[(?:[^\]]*\s)?\d+\/\d+\] (.*)$/;

export function countSteps(log: string): StepCount {
  const steps = new Set<string>();
  const cached = new Set<string>();
  for (const raw of log.split(/\r?\n/)) {
    const line = raw.trim();
    const step = STEP.exec(line);
    if (step) {
      if (!/^FROM\s/i.test(step[2])) steps.add(step[1]);
      continue;
    }
    const done = /^#(\d+) CACHED$/.exec(line);
    if (done) cached.add(done[1]);
  }
  return { total: steps.size, cached: [...steps].filter(s => cached.has(s)).length };
}

/** A registry error worth one more try: a 5xx answer during the push (not a build failure). */
export function isTransientPushError(line: string): boolean {
  return (
    /failed to (push|copy|do request)|pushing|unexpected status/i.test(line) &&
    /\b(500 Internal Server Error|502 Bad Gateway|503 Service Unavailable|504 Gateway Timeout)\b|status(?: code)?:? 5\d\d\b/i.test(
      line
    )
  );
}
