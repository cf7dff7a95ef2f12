/** Errors every module shares. */

/**
 * A problem with what the user asked for: reported as one error line, without a stack trace. It
 * carries the names of the inputs it is about, so that an action which reads a stage's inputs under
 * other names can name its own (`renamed`).
 */
export class InputError extends Error {
  override name = 'InputError';
  /** The inputs the message names (quoted, `"name"`), or is about; [] for none. */
  readonly inputs: readonly string[];

  constructor(message: string, inputs: readonly string[], options?: ErrorOptions) {
    super(message, options);
    this.inputs = [...new Set(inputs)];
  }

  /**
   * The same error with its inputs named by `rename`: in the message, every exact quoted occurrence
   * (`"name"`) of a listed input, in one pass (a new name is never renamed again); other text, and
   * names of inputs not listed, stay as they are.
   */
  renamed(rename: (input: string) => string): InputError {
    const names = new Map(this.inputs.map(input => [input, rename(input)]));
    const listed = [...names.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
    const message = listed.length
      ? this.message.replace(
          new RegExp(`"(${listed.join('|')})"`, 'g'),
          (_, name: string) => `"${names.get(name)}"`
        )
      : this.message;
    const renamed = new InputError(message, [...names.values()], { cause: this.cause });
    if (this.stack) renamed.stack = this.stack.replace(this.message, message);
    return renamed;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The message of anything thrown: an Error's message, else the value as text. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
