/** The five faces the root action composes, made for one step's environment and workspace. */
import { createBuildFace, type BuildFace } from '../build/stage.js';
import { createLoginFace, type LoginFace } from '../login/stage.js';
import { createMetaFace, type MetaFace } from '../meta/stage.js';
import { pruneFace } from '../prune/stage.js';
import { createScanFace, type ScanFace } from '../scan/stage.js';

export interface Faces {
  meta: MetaFace;
  login: LoginFace;
  build: BuildFace;
  prune: typeof pruneFace;
  scan: ScanFace;
  /** The environment of the commands the stages start. */
  env: NodeJS.ProcessEnv;
}

export function createFaces(env: NodeJS.ProcessEnv, cwd: string): Faces {
  return {
    // Meta's variables go to later steps, not into the environment of this step's commands.
    meta: createMetaFace({ env, childEnv: false }),
    login: createLoginFace({ root: true, env }),
    build: createBuildFace({ env, cwd }),
    prune: pruneFace,
    scan: createScanFace({ env }),
    env
  };
}
