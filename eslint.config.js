import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The house's boundaries (see CONTRIBUTING.md): a stage imports no other stage, common/ imports no
// stage, and the root action (src/pipeline/) reaches a stage only through its face, `stage.ts`.
const STAGES = ['meta', 'login', 'build', 'prune', 'scan'];
const restrict = (regex, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ regex, message }] }]
});
const stageRules = STAGES.map(stage => {
  const others = [...STAGES.filter(s => s !== stage), 'pipeline'].join('|');
  return {
    files: [`src/${stage}/**/*.ts`],
    rules: restrict(
      `^(\\.\\./)+(${others})/`,
      `A stage imports no other stage: src/${stage}/ takes what another stage makes as a value from the root action, and shared code lives in src/common/.`
    )
  };
});

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.e2e/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly' }
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }]
    }
  },
  ...stageRules,
  {
    files: ['src/common/**/*.ts'],
    rules: restrict(
      `^(\\.\\./)+(${[...STAGES, 'pipeline'].join('|')})/`,
      'src/common/ imports no stage and not the root action.'
    )
  },
  {
    files: ['src/pipeline/**/*.ts'],
    rules: restrict(
      `^(\\.\\./)+(${STAGES.join('|')})/(?!stage\\.js$)`,
      "The root action composes the stages' faces: from a stage it imports only `../<stage>/stage.js`."
    )
  }
);
