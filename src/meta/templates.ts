/**
 * Renders the templates found in inputs, with errors that name the input line and a warning for
 * each unknown `{{expression}}` (which renders empty, as in metadata-action).
 */
import { entryError, where, type Entry } from './entries.js';
import { TemplateError } from './template/ast.js';
import { render } from './template/render.js';

export interface Templates {
  /** Renders against the global expressions. */
  global(text: string, entry: Entry): string;
  /** Renders against a specific context (a semver, a pep440 version, the schedule dates). */
  with(text: string, context: object, entry: Entry): string;
}

export function templates(globals: object, warn: (message: string) => void): Templates {
  const warned = new Set<string>();
  const run = (text: string, context: object, entry: Entry): string => {
    if (!text.includes('{{')) return text;
    try {
      return render(text, context, {
        onMissing: expression => {
          const message = `${where(entry)}: unknown expression {{${expression}}} renders empty`;
          if (!warned.has(message)) warn(message);
          warned.add(message);
        }
      });
    } catch (err) {
      if (err instanceof TemplateError)
        throw entryError(entry, `cannot render ${JSON.stringify(text)}: ${err.message}`);
      throw err;
    }
  };
  return {
    global: (text, entry) => run(text, globals, entry),
    with: (text, context, entry) => run(text, context, entry)
  };
}
