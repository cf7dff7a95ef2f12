/**
 * The house's import boundaries are ESLint's `no-restricted-imports` in eslint.config.js: each case
 * lints one line as if it were in the named file, with the project's own configuration.
 */
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { ROOT } from '../../support/action-runner.js';

const eslint = new ESLint({ cwd: ROOT });

async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nvoid x;\n`, { filePath: join(ROOT, file) });
  return result.messages.filter(m => m.ruleId === 'no-restricted-imports').map(m => m.message);
}

describe('import boundaries', () => {
  test.each([
    ['src/prune/load.ts', "import { x } from '../build/stage.js';", /A stage imports no other stage/],
    [
      'src/build/attest/sign.ts',
      "import type { x } from '../../login/inputs.js';",
      /A stage imports no other stage/
    ],
    ['src/scan/main.ts', "import { x } from '../pipeline/inputs.js';", /A stage imports no other stage/],
    ['src/common/runner.ts', "import type { x } from '../meta/stage.js';", /src\/common\/ imports no stage/],
    [
      'src/common/registry/client.ts',
      "import { x } from '../../prune/stage.js';",
      /src\/common\/ imports no stage/
    ],
    ['src/pipeline/main.ts', "import { x } from '../build/main.js';", /only `\.\.\/<stage>\/stage\.js`/],
    [
      'src/pipeline/promote/plan.ts',
      "export { x } from '../../scan/inputs.js';",
      /only `\.\.\/<stage>\/stage\.js`/
    ]
  ])('%s: %s is refused', async (file, code, message) => {
    const messages = await restricted(file, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(message);
  });

  test.each([
    ['src/pipeline/main.ts', "import { x } from '../build/stage.js';"],
    ['src/pipeline/promote/plan.ts', "import type { x } from '../../meta/stage.js';"],
    ['src/prune/load.ts', "import { x } from '../common/runner.js';"],
    ['src/build/attest/sign.ts', "import { x } from '../stage.js';"],
    ['src/meta/tags/rules.ts', "import { x } from '../inputs.js';"]
  ])('%s: %s is allowed', async (file, code) => {
    expect(await restricted(file, code)).toEqual([]);
  });
});
