import { runFace } from '../common/face.js';
import { buildFace } from './stage.js';

void runFace(buildFace, { upstream: {} });
