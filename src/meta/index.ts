import { runFace } from '../common/face.js';
import { metaStepInputs } from './inputs.js';
import { metaFace } from './stage.js';

void runFace(metaFace, { upstream: undefined, source: metaStepInputs });
