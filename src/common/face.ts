/**
 * A stage's face: the same five verbs for every stage, so that a stage's own entry and the root
 * action compose stages the same way, and each check is made once, in the stage that owns it.
 *
 *   read → decide → run → write     the main step (`read` of every stage first, in the root action)
 *   post                            the post step, when the stage has one
 */
import { isPost, markMainDone, runStep, setSecret, stepInputs, type InputSource } from './runner.js';
import { readRunContext, type RunContext } from './run-context.js';

export interface Face<Inputs, Upstream, Decision, Result> {
  /**
   * Reads and checks every input of the stage from `source` (the step's own inputs, or the root
   * action's under the stage's names) and masks the secret ones. No other side effect: nothing is
   * logged in, built, pushed, written or deleted, so every input of every stage can be read before
   * anything changes. Throws an InputError that lists the inputs it names (`InputError.inputs`).
   */
  read(source: InputSource, ctx: RunContext): Inputs;
  /**
   * Decides what to do from the inputs, what an earlier stage made (`upstream`: meta's tags and
   * labels for build, login and prune; the stage's own stand-in when it runs alone) and the run
   * context. Pure: same arguments, same decision; no I/O, no clock, no environment.
   */
  decide(inputs: Inputs, upstream: Upstream, ctx: RunContext): Decision;
  /**
   * Does what was decided: every request, command and file of the stage. Concurrency stays
   * inside (build starts buildx while it probes the engine). Writes neither outputs nor summary.
   */
  run(decision: Decision): Promise<Result>;
  /**
   * Writes the result: the step's outputs and the stage's section of the job summary. A result
   * that is a failure (a prune that stopped half-way) is written, then thrown, to fail the step.
   */
  write(result: Result): void;
  /** The post step: undoes what the main step left behind (logouts, builders), from its state. */
  post?(ctx: RunContext): Promise<void>;
  /**
   * The secret values among the stage's inputs. `read` masks them in the main step; the post step,
   * which does not read the inputs, masks them from here before anything else.
   */
  secrets?(source: InputSource, ctx?: RunContext): string[];
}

export interface StepOptions<Upstream> {
  /** What the stage decides from when it runs alone (no earlier stage in this step). */
  upstream: Upstream;
  /** Where its inputs come from; the step's own INPUT_* variables by default. */
  source?: InputSource;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs a stage's face as the whole step, inside `runStep` (one error line, cancellation, leftovers):
 * the post step runs `post`; the main step marks itself done when there is a post step to follow,
 * then reads, decides, runs and writes.
 */
export function runFace<Inputs, Upstream, Decision, Result>(
  face: Face<Inputs, Upstream, Decision, Result>,
  opts: StepOptions<Upstream>
): Promise<void> {
  const source = opts.source ?? stepInputs;
  return runStep(async () => {
    const ctx = readRunContext(opts.env ?? process.env);
    if (isPost()) {
      face.secrets?.(source, ctx).forEach(setSecret);
      await face.post?.(ctx);
      return;
    }
    if (face.post) markMainDone();
    const inputs = face.read(source, ctx);
    face.write(await face.run(face.decide(inputs, opts.upstream, ctx)));
  });
}
