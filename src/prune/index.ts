import { runFace } from '../common/face.js';
import { pruneFace } from './stage.js';

void runFace(pruneFace, { upstream: {} });
