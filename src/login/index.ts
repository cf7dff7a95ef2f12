import { runFace } from '../common/face.js';
import { loginFace } from './stage.js';

void runFace(loginFace, { upstream: undefined });
