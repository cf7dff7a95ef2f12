/** Errors every module shares. */

/** A problem with what the user asked for: reported as one error line, without a stack trace. */
export class InputError extends Error {
  override name = 'InputError';
}
