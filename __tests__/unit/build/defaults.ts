/** The inputs of a build step with nothing set. */
import type { BuildInputs } from '../../../src/build/inputs.js';

export const DEFAULTS: BuildInputs = {
  context: '.',
  file: '',
  platforms: [],
  buildArgs: [],
  buildContexts: [],
  target: '',
  secrets: [],
  secretFiles: [],
  secretEnvs: [],
  ssh: [],
  cacheFrom: [],
  cacheTo: [],
  cache: 'auto',
  push: 'auto',
  load: false,
  outputs: [],
  provenance: '',
  sbom: '',
  labels: [],
  annotations: [],
  tags: [],
  noCache: false,
  pull: false,
  network: '',
  shmSize: '',
  ulimit: [],
  addHosts: [],
  builder: '',
  call: ''
};
