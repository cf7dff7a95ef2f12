/** Errors every module shares. */

/** A problem with what the user asked for: reported as one error line, without a stack trace. */
export class InputError extends Error {
  override name = 'InputError';
}

/** The message of anything thrown: an Error's message, else the value as text. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
